import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthProxy, startAuthProxy } from '../../scripts/conformance/auth-proxy.js';
import { type Baseline, compare, loadBaseline, renderTable } from '../../scripts/conformance/baseline.js';
import type { Check, ScenarioResult } from '../../scripts/conformance/suite.js';

/**
 * The pieces of `npm run conformance` that decide its verdict (the run itself needs the built
 * server and the suite: CI runs it). The proxy must be transparent except for the token, or
 * the suite would be testing the proxy; the comparison must catch new failures and stale entries.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An upstream that records each request and answers with an SSE stream it writes in two parts. */
async function upstream(): Promise<{ origin: URL; seen: Seen[]; sendSecond: () => void }> {
  const seen: Seen[] = [];
  let sendSecond = () => {};
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-upstream': 'yes' });
      res.write('data: one\n\n');
      sendSecond = () => res.end('data: two\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  closers.push(async () => server.closeAllConnections());
  return {
    origin: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    seen,
    sendSecond: () => sendSecond(),
  };
}

async function proxyTo(origin: URL): Promise<AuthProxy> {
  const proxy = await startAuthProxy(origin, 'chm_secret');
  closers.push(() => proxy.close());
  return proxy;
}

describe('auth proxy', () => {
  it('adds the bearer token, replaces a sent one, passes Host and the body, and streams SSE as it comes', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.origin);
    const target = new URL(proxy.origin);
    const chunks: string[] = [];
    const done = new Promise<{ status: number; header: string | string[] | undefined }>((resolve, reject) => {
      const req = request(
        {
          hostname: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/mcp?x=1',
          headers: { host: 'evil.example.com', authorization: 'Bearer wrong', 'content-type': 'application/json' },
        },
        (res) => {
          res.on('data', (c: Buffer) => {
            chunks.push(c.toString('utf8'));
            // The first event arrived while the upstream still holds the stream open.
            if (chunks.length === 1) up.sendSecond();
          });
          res.on('end', () => resolve({ status: res.statusCode!, header: res.headers['x-upstream'] }));
        },
      );
      req.on('error', reject);
      req.end('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    });
    const { status, header } = await done;
    expect(status).toBe(200);
    expect(header).toBe('yes');
    expect(chunks.join('')).toBe('data: one\n\ndata: two\n\n');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(up.seen).toHaveLength(1);
    const seen = up.seen[0]!;
    expect(seen).toMatchObject({ method: 'POST', url: '/mcp?x=1', body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(seen.headers.authorization).toBe('Bearer chm_secret');
    expect(seen.headers.host).toBe('evil.example.com');
    expect(seen.headers['content-type']).toBe('application/json');
  });

  it('answers 502 when the server is gone', async () => {
    const up = await upstream();
    const proxy = await proxyTo(up.origin);
    for (const close of closers.splice(0, 2).reverse()) await close();
    const res = await fetch(`${proxy.origin}/mcp`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/^auth proxy: /);
  });
});

const check = (status: Check['status'], errorMessage?: string): Check => ({
  id: 'c',
  name: 'Check',
  description: 'a check',
  status,
  ...(errorMessage !== undefined && { errorMessage }),
});
const result = (scenario: string, ...statuses: Check['status'][]): ScenarioResult => ({
  scenario,
  checks: statuses.map((s) => check(s, s === 'FAILURE' ? 'it broke' : undefined)),
});

describe('conformance baseline', () => {
  const baseline: Baseline = {
    'fixture-one': { expect: 'fail', kind: 'fixture', why: 'needs test_x' },
    'stateless-one': { expect: 'warning', kind: 'stateless', why: 'no session' },
  };

  it('passes when every scenario matches: unlisted ones pass, listed ones fail or warn as listed', () => {
    const verdict = compare(
      [
        result('plain', 'SUCCESS', 'INFO'),
        result('fixture-one', 'FAILURE'),
        result('stateless-one', 'WARNING', 'INFO'),
      ],
      baseline,
      'baseline.json',
    );
    expect(verdict.problems).toEqual([]);
    expect(renderTable(verdict.rows)).toContain('| fixture-one   | fail    | fail     | fixture: needs test_x');
  });

  it('fails on a new failure, a crashed scenario, a stale entry and an entry the suite does not have', () => {
    const verdict = compare(
      [
        result('plain', 'SUCCESS', 'FAILURE'),
        { scenario: 'crashed', checks: undefined },
        result('fixture-one', 'SUCCESS'),
        result('other', 'WARNING'),
      ],
      { ...baseline, 'fixture-one': baseline['fixture-one']! },
      'baseline.json',
    );
    expect(verdict.problems).toEqual([
      'plain: UNEXPECTED fail: Check: it broke',
      'crashed: UNEXPECTED fail: no checks.json: the scenario crashed inside the suite (its output is above)',
      'fixture-one: STALE baseline entry: it passes now, remove "fixture-one" from baseline.json',
      'other: UNEXPECTED warning: Check: a check',
      'stateless-one: in baseline.json but not a scenario of this suite version: remove it',
    ]);
  });

  it('the checked-in baseline is well formed', () => {
    const path = fileURLToPath(new URL('../conformance/baseline.json', import.meta.url));
    const entries = Object.values(loadBaseline(path));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.why.length).toBeLessThanOrEqual(140);
  });
});
