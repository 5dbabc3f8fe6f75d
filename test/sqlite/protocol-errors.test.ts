import { join } from 'node:path';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { HistoryStore } from '../../src/history/store.js';
import { createServer } from '../../src/mcp/server.js';
import { openTestDatabase, silentLogger, tempDir } from '../support/harness.js';
import { postMcp, startTestHttp, type TestHttpServer } from '../support/http.js';
import { spawnRawStdio } from '../support/raw-stdio.js';

/**
 * Protocol faults get JSON-RPC errors a person can act on: every request type the server
 * handles, sent with params of the wrong shape, is answered -32602 Invalid params with a
 * message naming the method and the field — not -32603 with a dump of zod issues — and a
 * JSON-RPC batch (which MCP 2025-11-25 does not have) is answered instead of being dropped,
 * alike over stdio and HTTP.
 */
const tmp = tempDir('chat-history-protocol-errors-');
let database: Database;
beforeAll(async () => {
  database = await openTestDatabase(join(tmp.dir, 'history.db'));
});
afterAll(async () => {
  await database.close();
  tmp.cleanup();
});

/**
 * Malformed params for each request method: [method, params, the message expected]. (Params
 * that break the JSON-RPC envelope itself — not an object, a bad _meta — never reach the
 * server object; the transports answer those, tested below.)
 */
const MALFORMED: Array<[string, unknown, string]> = [
  [
    'tools/call',
    { name: 'list_conversations', arguments: [] },
    'tools/call: params.arguments must be an object (got an array)',
  ],
  [
    'tools/call',
    { name: 'list_conversations', arguments: null },
    'tools/call: params.arguments must be an object (got null)',
  ],
  [
    'tools/call',
    { name: 'list_conversations', arguments: 'x' },
    'tools/call: params.arguments must be an object (got a string)',
  ],
  ['tools/call', { name: 5, arguments: {} }, 'tools/call: params.name must be a string (got a number)'],
  ['tools/call', { arguments: {} }, 'tools/call: params.name is required'],
  ['tools/call', undefined, 'tools/call: params is required'],
  ['tools/list', { cursor: 5 }, 'tools/list: params.cursor must be a string (got a number)'],
  ['resources/read', { uri: 5 }, 'resources/read: params.uri must be a string (got a number)'],
  ['resources/read', {}, 'resources/read: params.uri is required'],
  ['resources/list', { cursor: [] }, 'resources/list: params.cursor must be a string (got an array)'],
  [
    'resources/templates/list',
    { cursor: {} },
    'resources/templates/list: params.cursor must be a string (got an object)',
  ],
  ['prompts/get', { name: 5 }, 'prompts/get: params.name must be a string (got a number)'],
  [
    'prompts/get',
    { name: 'resume_conversation', arguments: [] },
    'prompts/get: params.arguments must be an object (got an array)',
  ],
  [
    'prompts/get',
    { name: 'resume_conversation', arguments: { a: 5 } },
    'prompts/get: params.arguments.a must be a string (got a number)',
  ],
  ['prompts/list', { cursor: true }, 'prompts/list: params.cursor must be a string (got a boolean)'],
  ['completion/complete', {}, 'completion/complete: params.ref is required; params.argument is required'],
  [
    'completion/complete',
    { ref: { type: 'ref/prompt' }, argument: { name: 'a', value: 'b' } },
    'completion/complete: params.ref.name is required',
  ],
  [
    'completion/complete',
    { ref: { type: 'ref/prompt', name: 'p' }, argument: 'a' },
    'completion/complete: params.argument must be an object (got a string)',
  ],
  [
    'initialize',
    {},
    'initialize: params.protocolVersion is required; params.capabilities is required; params.clientInfo is required',
  ],
];

/** Raw JSON-RPC over an in-memory pair: no client-side checks in the way. */
async function rawSession() {
  const store = new HistoryStore(database, DEFAULT_LIMITS, 10_000);
  const { server, close } = createServer({
    history: store.forOwner('local'),
    logger: silentLogger,
    version: '0.0.0-test',
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const answers = new Map<unknown, (m: any) => void>();
  clientSide.onmessage = (m: any) => answers.get(m.id)?.(m);
  await server.connect(serverSide);
  await clientSide.start();
  let next = 1;
  const request = (method: string, params: unknown) =>
    new Promise<any>((resolve) => {
      const id = next++;
      answers.set(id, resolve);
      void clientSide.send({ jsonrpc: '2.0', id, method, ...(params !== undefined && { params }) } as JSONRPCMessage);
    });
  await request('initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  });
  return { request, close };
}

describe('malformed params of every request type (any transport)', () => {
  it('-32602 with a message naming the method and the field', async () => {
    const { request, close } = await rawSession();
    try {
      for (const [method, params, message] of MALFORMED) {
        const answer = await request(method, params);
        expect(answer.error, `${method} ${JSON.stringify(params)}`).toEqual({ code: -32602, message });
      }
      // The same methods with good params still work, and unknown ones stay -32601.
      expect((await request('tools/list', {})).result.tools.length).toBeGreaterThan(0);
      expect((await request('ping', undefined)).result).toEqual({});
      expect((await request('logging/setLevel', { level: 'nope' })).error.code).toBe(-32601);
      expect((await request('no/such/method', {})).error.code).toBe(-32601);
    } finally {
      await close();
    }
  });

  it('the message stays short whatever the input', async () => {
    const { request, close } = await rawSession();
    try {
      const keys = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`.repeat(100), i]));
      const answer = await request('prompts/get', { name: 'resume_conversation', arguments: keys });
      expect(answer.error.code).toBe(-32602);
      expect(answer.error.message.length).toBeLessThan(700);
      expect(answer.error.message).toMatch(
        /^prompts\/get: params\.arguments\.(k0){20}… must be a string \(got a number\); .*; and 996 more$/,
      );
    } finally {
      await close();
    }
  });
});

describe('stdio (the built CLI)', () => {
  it('answers params that are not an object, a bad envelope and a batch, and keeps serving', {
    timeout: 60_000,
  }, async () => {
    const stdio = spawnRawStdio(join(tmp.dir, 'stdio.db'), [], { PATH: process.env.PATH ?? '', HOME: tmp.dir });
    const { answersTo, exited } = stdio;
    const send = (line: string) => void stdio.writeLine(line);

    send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    );
    await answersTo(0);
    send('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":5}');
    send('{"jsonrpc":"2.0","id":2,"method":"ping","params":null}');
    send('{"jsonrpc":"2.0","id":3,"method":"tools/list","params":"oops"}');
    send(
      '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_conversations","arguments":{},"_meta":5}}',
    );
    send('{"jsonrpc":"1.0","id":5,"method":"ping"}');
    send('{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"list_conversations","arguments":[]}}');
    send(
      '[{"jsonrpc":"2.0","id":7,"method":"ping"},{"jsonrpc":"2.0","id":"eight","method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"}]',
    );
    send('[{"jsonrpc":"2.0","method":"notifications/initialized"}]');
    send('[]');
    send('{"jsonrpc":"2.0","id":9,"method":"ping"}');

    expect((await answersTo(1))[0].error).toEqual({
      code: -32602,
      message: 'tools/call: params must be an object (got a number)',
    });
    expect((await answersTo(2))[0].error).toEqual({
      code: -32602,
      message: 'ping: params must be an object (got null)',
    });
    expect((await answersTo(3))[0].error).toEqual({
      code: -32602,
      message: 'tools/list: params must be an object (got a string)',
    });
    expect((await answersTo(4))[0].error).toEqual({
      code: -32602,
      message: 'tools/call: params._meta must be an object (got a number)',
    });
    expect((await answersTo(5))[0].error).toEqual({ code: -32600, message: 'ping: jsonrpc must be "2.0"' });
    expect((await answersTo(6))[0].error).toEqual({
      code: -32602,
      message: 'tools/call: params.arguments must be an object (got an array)',
    });
    // A batch: one error per request id in it; batches without any id: one error with id null each.
    for (const id of [7, 'eight'])
      expect((await answersTo(id))[0].error).toMatchObject({
        code: -32600,
        message: expect.stringContaining('batches are not supported'),
      });
    expect(await answersTo(null, 2)).toEqual([
      {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: expect.stringContaining('batches are not supported') },
      },
      {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: expect.stringContaining('batches are not supported') },
      },
    ]);
    expect((await answersTo(9))[0].result).toEqual({});
    // Nothing of the batch ran: a ping in it would have answered with a result.
    expect(await answersTo(7)).toHaveLength(1);

    stdio.child.stdin!.end();
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});

describe('HTTP', () => {
  let http: TestHttpServer;
  let secret: string;
  beforeAll(async () => {
    secret = (await new TokenStore(database.db).create({ owner: 'alice' })).secret;
    http = await startTestHttp(database);
  });
  afterAll(() => http.close());
  const post = async (body: unknown) => {
    const res = await postMcp(http.url, body, {
      Authorization: `Bearer ${secret}`,
      'Mcp-Protocol-Version': '2025-11-25',
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('a batch: 400 with one -32600 error (id null); nothing in it runs', async () => {
    const r = await post([
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    ]);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: expect.stringContaining('batches are not supported') },
    });
  });

  it('params of the wrong shape: the same -32602 answers as over stdio, with the request id', async () => {
    expect(await post({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: 5 })).toEqual({
      status: 200,
      body: {
        jsonrpc: '2.0',
        id: 11,
        error: { code: -32602, message: 'tools/call: params must be an object (got a number)' },
      },
    });
    const r = await post({
      jsonrpc: '2.0',
      id: 12,
      method: 'tools/call',
      params: { name: 'list_conversations', arguments: [] },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      jsonrpc: '2.0',
      id: 12,
      error: { code: -32602, message: 'tools/call: params.arguments must be an object (got an array)' },
    });
    const read = await post({ jsonrpc: '2.0', id: 13, method: 'resources/read', params: { uri: 5 } });
    expect(read.body.error).toEqual({
      code: -32602,
      message: 'resources/read: params.uri must be a string (got a number)',
    });
  });
});
