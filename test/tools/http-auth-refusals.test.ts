import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database, DatabaseTarget } from '../../src/db/index.js';
import { freshDatabase } from '../support/harness.js';
import { postMcp, startTestHttp, type TestHttpServer } from '../support/http.js';
import { startHttpCli } from '../support/spawn-http.js';

/**
 * A refused request (401) tells the client, in the body, and the operator, in one warn line on
 * stderr, what went wrong and what to set: several clients (Claude Code, Gemini CLI) show only
 * "Failed to connect" and keep the body to themselves. No part of a secret reaches the log.
 */
let database: Database & { target: DatabaseTarget };
let http: TestHttpServer;
const logLines: string[] = [];
const request = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
const userAgent = 'claude-code/2.1.197 (test)';
/** Token-shaped secrets that must never appear in a log line, whole or in part. */
const unknownSecret = `chm_${randomBytes(32).toString('base64url')}`;
const bareSecret = `chm_${randomBytes(32).toString('base64url')}`;

beforeAll(async () => {
  database = await freshDatabase();
  await new TokenStore(database.db).create({ owner: 'alice' });
  // The level `serve --http` runs at by default (info): the refusal lines are warn.
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  http = await startTestHttp(database, { logger });
});
afterAll(async () => {
  await http?.close();
  await database?.close();
});

async function refused(headers: Record<string, string>) {
  const before = logLines.length;
  const res = await postMcp(http.url, request, { 'User-Agent': userAgent, ...headers });
  expect(res.status).toBe(401);
  const body = (await res.json()) as { error: { message: string } };
  const lines = logLines.slice(before).map((l) => JSON.parse(l));
  return { res, message: body.error.message, lines };
}

describe('401: what the body says and what is logged', () => {
  it('no Authorization header: the header to send, a client setting, and how a token is made', async () => {
    const { res, message, lines } = await refused({});
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="chat-history-mcp"');
    expect(message).toBe(
      'authentication required: send the header Authorization: Bearer <token> with every request ' +
        '(e.g. `claude mcp add --transport http chat-history <url> --header "Authorization: Bearer <token>"`). ' +
        'A token is created on the server with `chat-history-mcp token create --owner NAME`.',
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'http request refused: no Authorization header',
        reason: 'no_authorization_header',
        remoteAddress: expect.stringMatching(/127\.0\.0\.1$/),
        userAgent,
        fix: expect.stringContaining('"Authorization: Bearer <token>"'),
      }),
    ]);
    expect(lines[0].fix).toContain('chat-history-mcp token create --owner NAME');
    expect(lines[0]).not.toHaveProperty('suppressed');
  });

  it('malformed header (a token without "Bearer "): says so, never logs the value', async () => {
    const { res, message, lines } = await refused({ Authorization: bareSecret });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="chat-history-mcp"');
    expect(message).toMatch(
      /^malformed Authorization header \(a token without the "Bearer " prefix\): send the header Authorization: Bearer <token> with every request/,
    );
    expect(message).not.toContain(bareSecret.slice(4, 12));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'http request refused: malformed Authorization header',
        reason: 'malformed_authorization_header',
        detail: 'a token without the "Bearer " prefix',
        userAgent,
        fix: expect.stringContaining('Authorization: Bearer <token>'),
      }),
    ]);
  });

  it('unknown token: says it is unknown or revoked and what to do; the line names neither token nor hash', async () => {
    const { res, message, lines } = await refused({ Authorization: `Bearer ${unknownSecret}` });
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="chat-history-mcp", error="invalid_token", error_description="unknown or revoked token"',
    );
    expect(message).toBe(
      'invalid token: it is unknown or has been revoked (or was made for another database). ' +
        'Send a current one as Authorization: Bearer <token>; `chat-history-mcp token list` on the server shows ' +
        'the tokens, `chat-history-mcp token create --owner NAME` makes a new one.',
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'http request refused: unknown or revoked token',
        reason: 'unknown_or_revoked_token',
        userAgent,
        fix: expect.stringContaining('chat-history-mcp token list'),
      }),
    ]);
  });

  it('a client retrying in a loop: one line per reason per minute, whatever it sends', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await refused({})).lines).toEqual([]);
      expect((await refused({ Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` })).lines).toEqual([]);
      expect((await refused({ Authorization: `Bearer ${unknownSecret}` })).lines).toEqual([]);
    }
  });

  it('no secret, no part of one, no hash and no Authorization value is ever logged', async () => {
    const log = logLines.join('\n');
    for (const secret of [unknownSecret, bareSecret]) {
      const body = secret.slice(4);
      for (let i = 0; i + 8 <= body.length; i += 4) expect(log).not.toContain(body.slice(i, i + 8));
    }
    expect(log).not.toContain(Buffer.from('u:p').toString('base64'));
    expect(log).not.toMatch(/authorization":/i);
    expect(logLines.length).toBe(3);
  });
});

describe('serve --http as a process', () => {
  it('writes the refusal line on stderr at the default level', { timeout: 60_000 }, async () => {
    const cli = await startHttpCli(database.target);
    try {
      const res = await postMcp(cli.url, request, {
        'User-Agent': userAgent,
        Authorization: `Bearer ${unknownSecret}`,
      });
      expect(res.status).toBe(401);
      await expect.poll(() => cli.stderr(), { timeout: 5_000 }).toContain('http request refused');
      const line = JSON.parse(
        cli
          .stderr()
          .split('\n')
          .find((l) => l.includes('http request refused'))!,
      );
      expect(line).toMatchObject({ level: 40, reason: 'unknown_or_revoked_token', userAgent });
      expect(cli.stderr()).not.toContain(unknownSecret.slice(4, 12));
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });
});
