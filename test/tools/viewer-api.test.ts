// The web viewer's page and JSON API under `serve --http`: the same tokens and owner rule as
// /mcp, the same domain calls as the tools, and another owner's conversation answered exactly
// like a missing one. Both backends; the real HTTP server, a real MCP client to store data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { type Connected, freshDatabase } from '../support/harness.js';
import { connectHttp, startTestHttp, type TestHttpServer } from '../support/http.js';

let database: Database;
let http: TestHttpServer;
let alice: Connected;
const secrets: Record<string, string> = {};
let talk: string;
let fork: string;
const missing = '01a20000-0000-7000-8000-000000000000';

beforeAll(async () => {
  database = await freshDatabase();
  const tokens = new TokenStore(database.db);
  secrets.alice = (await tokens.create({ owner: 'alice', name: 'viewer' })).secret;
  secrets.bob = (await tokens.create({ owner: 'bob' })).secret;
  secrets.service = (await tokens.create({ owner: 'backend', service: true })).secret;
  http = await startTestHttp(database);
  alice = await connectHttp(http.url, secrets.alice!);
  talk = (await alice.call('create_conversation', { key: 'weather-talk', title: 'Weather <b>talk</b>' })).conversation
    .id;
  await alice.call('append_messages', {
    conversation_id: talk,
    messages: [
      { role: 'user', content: 'How is the rain in Köln?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'w1', type: 'function', function: { name: 'weather', arguments: '{"city":"Köln"}' } }],
      },
      { role: 'tool', tool_call_id: 'w1', content: '{"rain":true}' },
      { role: 'assistant', content: 'It rains.' },
    ],
  });
  await alice.call('set_summary', { conversation_id: talk, summary: 'Asked about rain.', through_seq: 2 });
  fork = (await alice.call('fork_conversation', { conversation_id: talk, through_seq: 2 })).conversation.id;
});
afterAll(async () => {
  await alice?.close();
  await http?.close();
  await database?.close();
});

async function get(path: string, as: string | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(`${http.origin}${path}`, {
    headers: { ...(as !== undefined && { Authorization: `Bearer ${secrets[as]}` }), ...headers },
  });
  const type = res.headers.get('content-type') ?? '';
  const body: any = type.includes('json') ? await res.json() : await res.text();
  return { res, body };
}

describe('the page', () => {
  it('is one HTML page at each route of the app, with a policy that allows nothing but this origin', async () => {
    for (const path of ['/', '/search', `/c/${talk}`]) {
      const { res, body } = await get(path, undefined);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(body).toMatch(/<html/i);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
    const { res } = await get('/assets/../package.json', undefined);
    expect(res.status).toBe(404);
  });
});

describe('the API', () => {
  it('needs a token: no token, a wrong one, each answered 401 with what to do', async () => {
    for (const headers of [{}, { Authorization: 'Bearer chm_nope' }] as Array<Record<string, string>>) {
      const res = await fetch(`${http.origin}/api/conversations`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/token/);
    }
  });

  it('lists, opens, pages and searches the owner’s conversations', async () => {
    expect((await get('/api/session', 'alice')).body).toEqual({ owner: 'alice', kind: 'token' });
    const list = (await get('/api/conversations?limit=1', 'alice')).body;
    expect(list.conversations).toHaveLength(1);
    expect(list.next_cursor).not.toBeNull();
    const filtered = (await get('/api/conversations?query=talk', 'alice')).body;
    expect(filtered.conversations.map((c: any) => c.id).sort()).toEqual([talk, fork].sort());

    const one = (await get(`/api/conversations/${talk}`, 'alice')).body;
    expect(one.conversation).toMatchObject({ id: talk, key: 'weather-talk', message_count: 4 });
    expect(one.summary).toMatchObject({ through_seq: 2, content: 'Asked about rain.' });
    const forked = (await get(`/api/conversations/${fork}`, 'alice')).body;
    expect(forked.conversation.forked_from).toEqual({ conversation_id: talk, through_seq: 2 });

    const page = (await get(`/api/conversations/${talk}/messages?after_seq=1&limit=2`, 'alice')).body;
    expect(page.messages.map((m: any) => m.seq)).toEqual([2, 3]);
    expect(page.messages[0].tool_calls[0].function.arguments).toBe('{"city":"Köln"}');
    expect(page.has_more_after).toBe(true);

    const hits = (await get('/api/search?query=rain&roles=user,assistant', 'alice')).body;
    expect(
      hits.hits.map((h: any) => [h.conversation_id === talk || h.conversation_id === fork, h.role]),
    ).toContainEqual([true, 'user']);
    expect(hits.hits.every((h: any) => ['user', 'assistant'].includes(h.role))).toBe(true);
    expect(hits.hits.every((h: any) => h.snippet.includes('«rain'))).toBe(true);
  });

  it('downloads an export as a file, in every format', async () => {
    for (const [format, type] of [
      ['json', /json/],
      ['markdown', /markdown/],
      ['openai', /json/],
      ['anthropic', /json/],
    ] as const) {
      const { res, body } = await get(`/api/conversations/${talk}/export?format=${format}`, 'alice');
      expect(res.status, format).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[0-9a-f-]+\.[a-z.]+"$/);
      expect(JSON.stringify(body)).toContain('Köln');
    }
    const exported = (await get(`/api/conversations/${talk}/export?format=json`, 'alice')).body;
    const viaTool = await alice.call('export_conversation', { conversation_id: talk, format: 'json' });
    expect(exported).toEqual(viaTool.data);
  });

  it('answers bad input 400 naming the field, and an unknown id 404', async () => {
    const bad = await get(`/api/conversations/${talk}/export?format=pdf`, 'alice');
    expect([bad.res.status, bad.body.error]).toEqual([400, expect.stringMatching(/format/)]);
    const limit = await get('/api/conversations?limit=0', 'alice');
    expect([limit.res.status, limit.body.error]).toEqual([400, expect.stringMatching(/limit/)]);
    const query = await get('/api/search?query=', 'alice');
    expect(query.res.status).toBe(400);
    const none = await get(`/api/conversations/${missing}`, 'alice');
    expect([none.res.status, none.body.error]).toEqual([404, expect.stringMatching(/not found/)]);
    expect((await get('/api/nothing-here', 'alice')).res.status).toBe(404);
  });
});

describe('isolation: bob probes alice’s conversation through the viewer', () => {
  it('every route that takes an id answers exactly as for a missing one; lists and search show nothing', async () => {
    for (const suffix of ['', '/messages', '/export?format=json']) {
      const onAlice = await get(`/api/conversations/${talk}${suffix}`, 'bob');
      const onMissing = await get(`/api/conversations/${missing}${suffix}`, 'bob');
      expect(onAlice.res.status, suffix).toBe(404);
      expect(JSON.stringify(onAlice.body).replace(talk, 'ID')).toBe(
        JSON.stringify(onMissing.body).replace(missing, 'ID'),
      );
    }
    expect((await get('/api/conversations', 'bob')).body.conversations).toEqual([]);
    expect((await get('/api/search?query=rain', 'bob')).body.hits).toEqual([]);
    const scoped = await get(`/api/search?query=rain&conversation_id=${talk}`, 'bob');
    expect(scoped.res.status).toBe(404);
  });

  it('a service token reads the owner it names, and only that one', async () => {
    const asAlice = { 'X-Chat-History-Owner': 'alice' };
    expect((await get('/api/session', 'service', asAlice)).body).toEqual({ owner: 'alice', kind: 'service' });
    expect((await get(`/api/conversations/${talk}`, 'service', asAlice)).res.status).toBe(200);
    expect((await get(`/api/conversations/${talk}`, 'service', { 'X-Chat-History-Owner': 'bob' })).res.status).toBe(
      404,
    );
    // An ordinary token cannot name an owner.
    const refused = await get('/api/conversations', 'bob', asAlice);
    expect([refused.res.status, refused.body.error]).toEqual([403, expect.stringMatching(/service token/)]);
  });
});
