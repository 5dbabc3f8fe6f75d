import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { clearToolListCache } from '../../src/mcp/tool-list.js';
import { toolListShortcutCount } from '../../src/transports/http-tool-list.js';
import { freshDatabase } from '../support/harness.js';
import { postMcp, startTestHttp, type TestHttpServer } from '../support/http.js';

/**
 * A plain tools/list POST is answered from the process's serialized list without a transport
 * or a server (src/transports/http-tool-list.ts). It must send exactly what the SDK sends for
 * the same request — status, Content-Type, bytes — and only after authentication.
 */
let database: Database & { close(): Promise<void> };
let http: TestHttpServer;
let secret: string;
beforeAll(async () => {
  database = await freshDatabase();
  const { TokenStore } = await import('../../src/auth/tokens.js');
  secret = (await new TokenStore(database.db).create({ owner: 'alice' })).secret;
  http = await startTestHttp(database);
});
afterAll(async () => {
  await http.close();
  await database.close();
});

const auth = () => ({ Authorization: `Bearer ${secret}` });
async function answer(body: unknown, headers: Record<string, string> = {}) {
  const before = toolListShortcutCount();
  const res = await postMcp(http.url, body, { ...auth(), ...headers });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text: await res.text(),
    shortcut: toolListShortcutCount() > before,
  };
}

describe('tools/list over HTTP from the serialized list', () => {
  it('answers byte for byte what the SDK answers, for string and number ids', async () => {
    clearToolListCache();
    for (const id of ['req-1', 7, 0]) {
      const request = { jsonrpc: '2.0', id, method: 'tools/list' };
      // A Content-Type with parameters always goes through the SDK (which accepts it).
      const sdk = await answer(request, { 'Content-Type': 'application/json; charset=utf-8' });
      expect(sdk.shortcut).toBe(false);
      expect(sdk.status).toBe(200);
      for (const variant of [request, { ...request, params: {} }]) {
        const fast = await answer(variant);
        expect(fast.shortcut, JSON.stringify(variant)).toBe(true);
        expect({ ...fast, shortcut: false }).toEqual(sdk);
      }
    }
  });

  it('leaves everything else to the SDK', async () => {
    await answer({ jsonrpc: '2.0', id: 1, method: 'tools/list' }); // the list is computed
    const others: [unknown, Record<string, string>][] = [
      [{ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 'x' } }, {}],
      [{ jsonrpc: '2.0', id: 1.5, method: 'tools/list' }, {}],
      [{ jsonrpc: '2.0', id: 1, method: 'tools/list', extra: true }, {}],
      [{ jsonrpc: '2.0', id: 1, method: 'ping' }, {}],
      [[{ jsonrpc: '2.0', id: 1, method: 'tools/list' }], {}],
      [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { Accept: 'application/json' }],
      [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'MCP-Protocol-Version': '1999-01-01' }],
    ];
    for (const [body, headers] of others) {
      expect((await answer(body, headers)).shortcut, `${JSON.stringify(body)} ${JSON.stringify(headers)}`).toBe(false);
    }
    // The SDK's own refusals still come from the SDK.
    expect((await answer({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { Accept: 'application/json' })).status).toBe(
      406,
    );
  });

  it('only after authentication: no token, an unknown one or a revoked one get 401', async () => {
    const request = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    expect((await answer(request)).shortcut).toBe(true);
    expect((await postMcp(http.url, request)).status).toBe(401);
    expect((await postMcp(http.url, request, { Authorization: 'Bearer chm_unknown' })).status).toBe(401);
    const [token] = await http.tokens.list({ owner: 'alice' });
    await http.tokens.revoke(token!.id);
    expect((await answer(request)).status).toBe(401);
  });
});
