// `chat-history-mcp view`: the built CLI serves the viewer on 127.0.0.1 for the local file and
// prints a URL whose one-time secret signs a browser in. Here over plain HTTP; the real-browser
// run is test/browser/.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { HistoryStore } from '../../src/history/store.js';
import { openTestDatabase, tempDir } from '../support/harness.js';
import { CLI, requireBuiltCli } from '../support/spawn.js';

const tmp = tempDir('viewer-local-');
const db = join(tmp.dir, 'h.db');
let child: ChildProcess;
let url: URL;
let stored: string;

beforeAll(async () => {
  requireBuiltCli();
  const database = await openTestDatabase(db);
  const history = new HistoryStore(database, DEFAULT_LIMITS, 10_000).forOwner('me');
  stored = (await history.createConversation({ title: 'Mine' })).conversation.id;
  await database.close();

  child = spawn(process.execPath, [CLI, '--db', db, '--owner', 'me', 'view'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`view exited ${code}`)));
  });
  url = new URL(line);
}, 30_000);
afterAll(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  tmp.cleanup();
});

const secretOf = (u: URL) => new URLSearchParams(u.hash.slice(1)).get('secret') ?? '';
const signIn = (secret: string) =>
  fetch(new URL('/api/session', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ secret }),
  });

describe('chat-history-mcp view', () => {
  it('prints a loopback URL whose secret is in the fragment (never sent in a request line)', () => {
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/');
    expect(url.search).toBe('');
    expect(secretOf(url).length).toBeGreaterThanOrEqual(32);
  });

  it('trades the secret once for a session that reads the configured owner', async () => {
    expect((await fetch(new URL('/api/conversations', url))).status).toBe(401);
    expect((await signIn('wrong')).status).toBe(401);
    const first = await signIn(secretOf(url));
    expect(first.status).toBe(200);
    const { token } = (await first.json()) as { token: string };
    const again = await signIn(secretOf(url));
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: string }).error).toMatch(/already used/);

    const auth = { Authorization: `Bearer ${token}` };
    expect(await (await fetch(new URL('/api/session', url), { headers: auth })).json()).toEqual({
      owner: 'me',
      kind: 'local',
    });
    const list = (await (await fetch(new URL('/api/conversations', url), { headers: auth })).json()) as any;
    expect(list.conversations.map((c: { id: string }) => c.id)).toEqual([stored]);
    expect((await fetch(new URL('/', url))).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('refuses another Host (a rebound DNS name in a web page cannot reach it)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/api/session', headers: { Host: 'attacker.example' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
