import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/auth/tokens.js';
import type { Database, DatabaseTarget } from '../../src/db/index.js';
import { freshDatabase } from '../support/harness.js';
import { connectHttp, postMcp, postWithHeaderBytes } from '../support/http.js';
import { startServer } from '../support/spawn.js';
import { runCli, startHttpCli } from '../support/spawn-http.js';

/**
 * The built CLI: `token create/list/revoke`, and `serve --http` as a process — start-up line,
 * refusal without a token, and a SIGTERM while a large append is in flight.
 */
let database: Database & { target: DatabaseTarget };
// Every case spawns the CLI (about a second per start on 2 cores): a generous ceiling, not a measurement.
const slow = { timeout: 60_000 };

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('token commands', () => {
  it('create prints the secret once on stdout; the database holds only its sha256', slow, async () => {
    const r = runCli(database.target, ['token', 'create', '--owner', 'alice', '--name', 'laptop']);
    expect(r.status, r.stderr).toBe(0);
    const secret = r.stdout.trim();
    expect(r.stdout).toBe(`${secret}\n`);
    expect(secret).toMatch(/^chm_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toMatch(/created token tok_\S+ for owner "alice"\. The secret above is shown only this once/);

    const rows = await database.db.accessToken.findMany({ where: { owner: 'alice' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'laptop', service: false, revokedAt: null, tokenHash: hashSecret(secret) });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice('chm_'.length));
  });

  it('create refuses without --owner (the environment and the default do not count)', slow, () => {
    const r = runCli(database.target, ['token', 'create']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/token create: --owner NAME is required/);
    expect(runCli(database.target, ['token', 'create', '--owner', '   ']).stderr).toMatch(
      /--owner .*at least 1|--owner .*>=1/,
    );
  });

  it(
    'list shows tokens without secrets (table and JSON), revoke revokes, twice is fine, unknown is an error',
    slow,
    () => {
      const secret = runCli(database.target, ['token', 'create', '--owner', 'bob', '--service']).stdout.trim();
      const table = runCli(database.target, ['token', 'list']);
      expect(table.status).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+OWNER\s+NAME\s+KIND\s+CREATED\s+STATUS$/);
      expect(table.stdout).toMatch(/alice\s+laptop\s+owner\s+\S+\s+active/);
      expect(table.stdout).toMatch(/bob\s+-\s+service\s+\S+\s+active/);
      expect(table.stdout).not.toContain(secret);

      const json = runCli(database.target, ['token', 'list', '--json', '--owner', 'bob']);
      const [bob, ...others] = json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(others).toEqual([]);
      expect(Object.keys(bob).sort()).toEqual(['created_at', 'id', 'name', 'owner', 'revoked_at', 'service']);
      expect(bob).toMatchObject({ owner: 'bob', service: true, revoked_at: null });

      const revoked = runCli(database.target, ['token', 'revoke', bob.id]);
      expect(revoked.status, revoked.stderr).toBe(0);
      expect(revoked.stdout).toMatch(new RegExp(`^revoked ${bob.id} \\(owner "bob"\\) at `));
      expect(runCli(database.target, ['token', 'revoke', bob.id]).stdout).toBe(revoked.stdout);
      const after = JSON.parse(runCli(database.target, ['token', 'list', '--json', '--owner', 'bob']).stdout);
      expect(after.revoked_at).toEqual(expect.any(String));

      const unknown = runCli(database.target, ['token', 'revoke', 'tok_missing']);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/token revoke: id: no token tok_missing/);
    },
  );
});

describe('serve', () => {
  it('serve without --http is the stdio server', slow, async () => {
    if (database.target.provider !== 'sqlite') return; // startServer passes --db
    const server = await startServer(database.target.path, ['serve']);
    expect((await server.client.listTools()).tools.length).toBeGreaterThan(0);
    await server.close();
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('serve --http refuses to start while no token can authenticate', slow, async () => {
    const empty = await freshDatabase();
    try {
      const start = startHttpCli(empty.target);
      await expect(start).rejects.toThrow(
        /needs a bearer token and the database holds none.*token create --owner NAME/,
      );
    } finally {
      await empty.close();
    }
  });

  it(
    'serve --http --port 0 logs its URL; on SIGTERM an append in flight is stored whole or not at all, then exit 0',
    slow,
    async () => {
      const secret = runCli(database.target, ['token', 'create', '--owner', 'carol']).stdout.trim();
      const server = await startHttpCli(database.target, ['--log-level', 'debug']);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);

      const client = await connectHttp(server.url, secret);
      const conversationId = (await client.call('create_conversation', { key: 'sigterm' })).conversation.id as string;
      await client.close();

      // ~4 MB: 100 messages just under the default batch limit.
      const messages = Array.from({ length: 100 }, (_, i) => ({ role: 'user', content: `${i}:${'x'.repeat(41_000)}` }));
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'append_messages', arguments: { conversation_id: conversationId, messages } },
      });
      const outcome = await new Promise<{ status: number; text: string } | { error: string }>((resolve) => {
        const req = request(server.url, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${secret}`,
            'Content-Type': 'application/json',
            Accept: 'application/json, text/event-stream',
            'Content-Length': Buffer.byteLength(body),
            Expect: '100-continue',
          },
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
          res.on('error', (err) => resolve({ error: err.message }));
        });
        req.on('error', (err) => resolve({ error: err.message }));
        // 100 Continue comes once the server has the headers, i.e. is handling the request: send
        // half the body, SIGTERM, and the rest once the server logs that it is stopping. It must
        // still read the body, commit the append, answer, and only then exit.
        req.on('continue', () => {
          const half = body.length >> 1;
          req.write(body.slice(0, half), () => {
            server.child.kill('SIGTERM');
            void waitFor(() => server.stderr().includes('"msg":"stopping"')).then(() => req.end(body.slice(half)));
          });
        });
        req.flushHeaders();
      });

      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toMatch(/"reason":"SIGTERM".*"msg":"stopping"/);
      const stored = await database.db.message.count({ where: { conversationId } });
      const conversation = await database.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
      expect([0, 100]).toContain(stored);
      expect(conversation.messageCount).toBe(stored);
      // Graceful shutdown lets the append finish: what this test is really after. The log shows
      // the order: the server was stopping before it had the whole append.
      expect(outcome).toMatchObject({ status: 200 });
      expect(JSON.parse((outcome as { text: string }).text).result.isError ?? false).toBe(false);
      expect(stored).toBe(100);
      const log = server.stderr();
      expect(log.indexOf('"tool":"append_messages"'), log).toBeGreaterThan(log.indexOf('"msg":"stopping"'));
    },
  );

  it(
    "`token create --owner josé` and a service token naming josé (raw UTF-8 or UTF-8''-encoded) reach the same conversations",
    slow,
    async () => {
      const own = runCli(database.target, ['token', 'create', '--owner', 'josé']);
      expect(own.stderr).toContain('for owner "josé"');
      const relay = runCli(database.target, ['token', 'create', '--owner', 'relay', '--service']).stdout.trim();
      const server = await startHttpCli(database.target);
      try {
        const asJose = await connectHttp(server.url, own.stdout.trim());
        const id = (await asJose.call('create_conversation', { title: 'olé' })).conversation.id as string;
        await asJose.close();
        const ids = (page: { conversations: Array<{ id: string }> }) => page.conversations.map((c) => c.id);

        const call = {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'list_conversations', arguments: {} },
        };
        const raw = await postWithHeaderBytes(
          server.url,
          { Authorization: `Bearer ${relay}`, 'X-Chat-History-Owner': Buffer.from('josé') },
          call,
        );
        expect(raw.status).toBe(200);
        expect(ids(raw.body.result.structuredContent)).toEqual([id]);

        const encoded = await connectHttp(server.url, relay, {
          'X-Chat-History-Owner': `UTF-8''${encodeURIComponent('josé')}`,
        });
        expect(ids(await encoded.call('list_conversations', {}))).toEqual([id]);
        await encoded.close();
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    },
  );

  it('a stopped server is gone: its port refuses connections', slow, async () => {
    const secret = runCli(database.target, ['token', 'create', '--owner', 'dave']).stdout.trim();
    const server = await startHttpCli(database.target);
    expect(
      (
        await postMcp(
          server.url,
          { jsonrpc: '2.0', id: 1, method: 'tools/list' },
          { Authorization: `Bearer ${secret}` },
        )
      ).status,
    ).toBe(200);
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(server.url.replace('/mcp', '/healthz'))).rejects.toThrow();
  });
});

/** Poll a condition (the child's stderr) every few milliseconds; the test's timeout bounds it. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
