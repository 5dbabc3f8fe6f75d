import { request } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database, HistoryDb } from '../../src/db/index.js';
import { toolsFor } from '../../src/mcp/tools/index.js';
import { freshDatabase } from '../support/harness.js';
import { connectHttp, postMcp, startTestHttp, type TestHttpServer } from '../support/http.js';

/**
 * The HTTP transport in-process, through a real SDK Client over Streamable HTTP, and plain
 * fetch where status codes and headers are the point.
 */
let database: Database;
let http: TestHttpServer;
let alice: string;
let bob: string;
let service: string;
const logLines: string[] = [];

const listToolsRequest = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };

beforeAll(async () => {
  database = await freshDatabase();
  const tokens = new TokenStore(database.db);
  alice = (await tokens.create({ owner: 'alice', name: 'laptop' })).secret;
  bob = (await tokens.create({ owner: 'bob' })).secret;
  service = (await tokens.create({ owner: 'gateway', service: true })).secret;
  // A debug logger into memory: the test below checks no secret ever reaches a log line.
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  http = await startTestHttp(database, { logger, maxBodyBytes: 256 * 1024 });
});
afterAll(async () => {
  await http?.close();
  await database?.close();
});

describe('MCP over HTTP', () => {
  it('lists the tools', async () => {
    const client = await connectHttp(http.url, alice);
    const { tools } = await client.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      toolsFor({ readOnly: false })
        .map((t) => t.name)
        .sort(),
    );
    await client.close();
  });

  it('round-trips a tool call: what was appended comes back exactly', async () => {
    const client = await connectHttp(http.url, alice);
    const { conversation } = await client.call('create_conversation', { key: 'http-roundtrip', title: 'über 🚀' });
    const messages = [
      { role: 'user', content: 'line one\nline two — ünïcödé 🎉' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a": 1 }' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' },
    ];
    await client.call('append_messages', { conversation_id: conversation.id, messages });
    const history = await client.call('get_history', { conversation_id: conversation.id });
    expect(history.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3]);
    expect(history.messages[0].content).toBe(messages[0]!.content);
    expect(history.messages[1].tool_calls[0].function.arguments).toBe('{"a": 1 }');
    const again = await client.call('get_conversation', { conversation_id: conversation.id });
    expect(again).toMatchObject({ title: 'über 🚀', message_count: 3 });
    await client.close();
  });

  it('serves concurrent requests of one owner (each on its own server) without losing an append', async () => {
    const client = await connectHttp(http.url, bob);
    const { conversation } = await client.call('create_conversation', { key: 'parallel' });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        client.call('append_messages', {
          conversation_id: conversation.id,
          messages: [{ role: 'user', content: `m${i}` }],
        }),
      ),
    );
    const history = await client.call('get_history', { conversation_id: conversation.id });
    expect(history.messages.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(history.messages.map((m: { content: string }) => m.content).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `m${i}`).sort(),
    );
    await client.close();
  });
});

describe('authentication', () => {
  it('401 without a token, with WWW-Authenticate: Bearer and no error code', async () => {
    const res = await postMcp(http.url, listToolsRequest);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="chat-history-mcp"$/);
    const body = await json(res);
    expect(body).toMatchObject({
      jsonrpc: '2.0',
      id: null,
      error: { message: expect.stringMatching(/token create --owner/) },
    });
  });

  it('401 with error="invalid_token" for a wrong token and a malformed header', async () => {
    const wrong = await postMcp(http.url, listToolsRequest, { Authorization: 'Bearer chm_not-a-real-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer realm="chat-history-mcp", error="invalid_token"/);
    expect((await json(wrong)).error.message).toMatch(/unknown or has been revoked/);
    const basic = await postMcp(http.url, listToolsRequest, {
      Authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
    });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('401 for a revoked token, at once', async () => {
    const { secret, token } = await http.tokens.create({ owner: 'carol' });
    const client = await connectHttp(http.url, secret);
    await client.call('list_conversations', {});
    await http.tokens.revoke(token.id);
    const res = await postMcp(http.url, listToolsRequest, { Authorization: `Bearer ${secret}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    await expect(client.call('list_conversations', {})).rejects.toThrow(/revoked/);
    await client.close().catch(() => undefined);
  });

  it('the SDK client reports a 401 as an error (no token)', async () => {
    await expect(connectHttp(http.url, 'chm_wrong')).rejects.toThrow(/401|invalid token/i);
  });

  it('403 when an ordinary token names an owner in X-Chat-History-Owner, even its own', async () => {
    for (const owner of ['bob', 'alice']) {
      const res = await postMcp(http.url, listToolsRequest, {
        Authorization: `Bearer ${alice}`,
        'X-Chat-History-Owner': owner,
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
      expect((await json(res)).error.message).toMatch(/needs a service token/);
    }
  });

  it('400 when a service token names an invalid owner', async () => {
    for (const owner of ['   ', 'x'.repeat(201)]) {
      const res = await postMcp(http.url, listToolsRequest, {
        Authorization: `Bearer ${service}`,
        'X-Chat-History-Owner': owner,
      });
      expect(res.status, JSON.stringify(owner)).toBe(400);
      expect((await json(res)).error.message).toMatch(/^X-Chat-History-Owner: /);
    }
  });

  it('a service token acts for the owner it names; two owners see separate data', async () => {
    const asDora = await connectHttp(http.url, service, { 'X-Chat-History-Owner': 'dora' });
    const asEve = await connectHttp(http.url, service, { 'X-Chat-History-Owner': 'eve' });
    const dora = (await asDora.call('create_conversation', { key: 'shared-key', title: 'dora' })).conversation;
    const eve = (await asEve.call('create_conversation', { key: 'shared-key', title: 'eve' })).conversation;
    expect(eve.id).not.toBe(dora.id);
    expect((await asDora.call('list_conversations', {})).conversations.map((c: { id: string }) => c.id)).toEqual([
      dora.id,
    ]);
    expect((await asEve.call('list_conversations', {})).conversations.map((c: { id: string }) => c.id)).toEqual([
      eve.id,
    ]);
    expect(await asEve.callError('get_conversation', { conversation_id: dora.id })).toMatch(/not found/);
    // Without the header a service token is its own owner's, like any token.
    const asGateway = await connectHttp(http.url, service);
    expect((await asGateway.call('list_conversations', {})).conversations).toEqual([]);
    // Whitespace around the header value is trimmed, as --owner is.
    const padded = await connectHttp(http.url, service, { 'X-Chat-History-Owner': '  dora ' });
    expect((await padded.call('list_conversations', {})).conversations.map((c: { id: string }) => c.id)).toEqual([
      dora.id,
    ]);
    for (const c of [asDora, asEve, asGateway, padded]) await c.close();
  });

  it('never writes a secret or an Authorization header to the log', async () => {
    expect(logLines.some((l) => l.includes('"http request"') && l.includes('"tokenId"'))).toBe(true);
    for (const secret of [alice, bob, service]) {
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
    }
    // The warn lines of refused requests name the header to set ("fix"), never a value sent in it.
    const refusals = logLines.filter((l) => l.includes('"msg":"http request refused'));
    expect(refusals.length).toBeGreaterThan(0);
    for (const line of refusals)
      expect(Object.keys(JSON.parse(line)).filter((k) => /authorization/i.test(k))).toEqual([]);
    expect(logLines.filter((l) => !refusals.includes(l) && /bearer|authorization/i.test(l))).toEqual([]);
  });
});

describe('HTTP surface', () => {
  it('/healthz answers 200 {"status":"ok"} without auth', async () => {
    const res = await fetch(`${http.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok' });
  });

  it('/healthz answers 503 {"status":"unavailable"} when the database does not, revealing nothing else', async () => {
    const broken = {
      $queryRaw: () => Promise.reject(new Error('connection refused at 10.0.0.7:5432')),
    } as unknown as HistoryDb;
    const other = await startTestHttp(database, { db: broken });
    try {
      const res = await fetch(`${other.origin}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('{"status":"unavailable"}');
    } finally {
      await other.close();
    }
  });

  it('refuses a Host header that is not loopback (DNS rebinding) with 403', async () => {
    const port = new URL(http.url).port;
    expect(await healthzWithHost(`evil.example:${port}`)).toBe(403);
    expect(await healthzWithHost('evil.example')).toBe(403);
    // The loopback names pass.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
      expect(await healthzWithHost(host), host).toBe(200);
  });

  it('GET and DELETE /mcp answer 405 with a JSON-RPC error (stateless: no SSE stream, no session)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(http.url, {
        method,
        headers: { Authorization: `Bearer ${alice}`, Accept: 'text/event-stream' },
      });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(await json(res)).toMatchObject({
        jsonrpc: '2.0',
        error: { message: expect.stringMatching(/stateless/) },
        id: null,
      });
    }
  });

  it('answers a body over the limit with 413 and a message naming the limit', async () => {
    const big = JSON.stringify({ ...listToolsRequest, params: { padding: 'x'.repeat(300 * 1024) } });
    const res = await postMcp(http.url, big, { Authorization: `Bearer ${alice}` });
    expect(res.status).toBe(413);
    expect((await json(res)).error.message).toMatch(/at most 262144 bytes per request.*--max-batch-bytes/);
  });

  it('answers a body that is not JSON with a JSON-RPC parse error', async () => {
    const res = await postMcp(http.url, '{"jsonrpc":', { Authorization: `Bearer ${alice}` });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe(-32700);
  });

  it('sends no session id (stateless)', async () => {
    const res = await postMcp(
      http.url,
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      },
      { Authorization: `Bearer ${alice}` },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect((await json(res)).result.serverInfo.name).toBe('chat-history-mcp');
  });
});

describe('start-up', () => {
  it('refuses to start while the database holds no usable token, saying how to create one', async () => {
    const empty = await freshDatabase();
    try {
      await expect(startTestHttp(empty)).rejects.toThrow(
        /needs a bearer token.*chat-history-mcp token create --owner NAME/,
      );
      const { token } = await new TokenStore(empty.db).create({ owner: 'x' });
      await new TokenStore(empty.db).revoke(token.id);
      await expect(startTestHttp(empty)).rejects.toThrow(/needs a bearer token/);
    } finally {
      await empty.close();
    }
  });

  it('beyond loopback (0.0.0.0): refuses to start without a token; with one, takes any Host name and still demands the token', async () => {
    const db = await freshDatabase();
    try {
      await expect(startTestHttp(db, { host: '0.0.0.0' })).rejects.toThrow(/needs a bearer token/);
      const secret = (await new TokenStore(db.db).create({ owner: 'lb' })).secret;
      const wide = await startTestHttp(db, { host: '0.0.0.0' });
      try {
        const port = new URL(wide.url).port;
        // Behind a load balancer the Host is the service's public name: no rebinding check.
        expect(await healthzWithHost('memory.example.com', port)).toBe(200);
        const local = `http://127.0.0.1:${port}/mcp`;
        expect((await postMcp(local, listToolsRequest)).status).toBe(401);
        expect((await postMcp(local, listToolsRequest, { Authorization: `Bearer ${secret}` })).status).toBe(200);
      } finally {
        await wide.close();
      }
    } finally {
      await db.close();
    }
  });
});

/** GET /healthz on the test server with a chosen Host header (fetch would send the URL's). */
function healthzWithHost(host: string, port = new URL(http.url).port): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A response body as JSON, typed loosely: the assertions say what it must hold. */
async function json(res: Response): Promise<any> {
  return res.json();
}
