import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { freshDatabase } from '../support/harness.js';
import { connectHttp, postMcp, postWithHeaderBytes, startTestHttp, type TestHttpServer } from '../support/http.js';

/**
 * X-Chat-History-Owner is read as UTF-8: the owner's raw UTF-8 bytes, or percent-encoded UTF-8
 * after `UTF-8''` (for fetch-based clients, which cannot send raw UTF-8). Either way a service
 * token naming josé reaches the conversations of the token created for josé. Real clients:
 * Node's http.request (raw bytes), the SDK's client over fetch (encoded form), fetch itself.
 */
let database: Database;
let http: TestHttpServer;
let service: string;
const own: Record<string, string> = {};
const conversations: Record<string, string> = {};
const OWNERS = ['josé', '日本語', 'Zoë 👩‍👩‍👧'];

beforeAll(async () => {
  database = await freshDatabase();
  const tokens = new TokenStore(database.db);
  service = (await tokens.create({ owner: 'gateway', service: true })).secret;
  for (const owner of OWNERS) own[owner] = (await tokens.create({ owner })).secret;
  http = await startTestHttp(database);
  for (const owner of OWNERS) {
    const client = await connectHttp(http.url, own[owner]!);
    conversations[owner] = (await client.call('create_conversation', { title: `of ${owner}` })).conversation.id;
    await client.close();
  }
});
afterAll(async () => {
  await http?.close();
  await database?.close();
});

const listConversations = {
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'list_conversations', arguments: {} },
};

/** list_conversations as the service token, the owner header sent as exactly these bytes. */
function postWithRawOwner(owner: Buffer) {
  return postWithHeaderBytes(
    http.url,
    { Authorization: `Bearer ${service}`, 'X-Chat-History-Owner': owner },
    listConversations,
  );
}

const listedIds = (body: any) => body.result.structuredContent.conversations.map((c: { id: string }) => c.id);

describe('X-Chat-History-Owner is UTF-8', () => {
  it('raw UTF-8 bytes name the same owner as the token created for that name', async () => {
    for (const owner of OWNERS) {
      const res = await postWithRawOwner(Buffer.from(owner, 'utf8'));
      expect(res.status, owner).toBe(200);
      expect(listedIds(res.body), owner).toEqual([conversations[owner]]);
    }
  });

  it("so does the percent-encoded form UTF-8''…, which fetch-based clients (the SDK's) can send", async () => {
    for (const owner of OWNERS) {
      for (const prefix of ["UTF-8''", "utf-8''"]) {
        const client = await connectHttp(http.url, service, {
          'X-Chat-History-Owner': prefix + encodeURIComponent(owner),
        });
        expect(
          (await client.call('list_conversations', {})).conversations.map((c: { id: string }) => c.id),
          owner,
        ).toEqual([conversations[owner]]);
        await client.close();
      }
    }
  });

  it('refuses bytes that are not UTF-8 with 400 naming the header and both forms (fetch sends é as the Latin-1 byte)', async () => {
    const viaFetch = await postMcp(http.url, listConversations, {
      Authorization: `Bearer ${service}`,
      'X-Chat-History-Owner': 'josé',
    });
    expect(viaFetch.status).toBe(400);
    const message = ((await viaFetch.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(
      /^X-Chat-History-Owner: the value is not valid UTF-8: send the owner name as UTF-8 bytes, or percent-encoded after the prefix UTF-8''/,
    );
    expect(message).toContain("UTF-8''jos%C3%A9");
    expect((await postWithRawOwner(Buffer.from('jos\xe9', 'latin1'))).status).toBe(400);
  });

  it('refuses a malformed encoded form with 400', async () => {
    for (const value of ["UTF-8''jos%C3", "UTF-8''jos%ZZ", "UTF-8''jos%", "UTF-8''jo s"]) {
      const res = await postMcp(http.url, listConversations, {
        Authorization: `Bearer ${service}`,
        'X-Chat-History-Owner': value,
      });
      expect(res.status, value).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, value).toMatch(
        /^X-Chat-History-Owner: (malformed percent-encoding|the value is not valid UTF-8)/,
      );
    }
  });

  it('ASCII names are read as before, whatever they contain', async () => {
    const asGateway = await postWithRawOwner(Buffer.from('100% plain'));
    expect(asGateway.status).toBe(200);
    expect(listedIds(asGateway.body)).toEqual([]);
  });
});
