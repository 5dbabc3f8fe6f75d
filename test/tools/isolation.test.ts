import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { type Connected, connect, freshDatabase } from '../support/harness.js';
import { connectHttp, startTestHttp } from '../support/http.js';

/**
 * Two owners on one database: B must see A's data exactly as if it did not exist, and A's
 * data must be unchanged afterwards. Every tool that takes a conversation_id is probed: the
 * probe fails when listTools() shows one that PROBES lacks, so a new tool must be added here.
 *
 * The whole probe runs once per transport: in memory (owner fixed when the server is built)
 * and over HTTP (owner taken from each request's bearer token), so that the HTTP layer can
 * never route a request to the wrong owner's memory.
 */
interface Pair {
  alice: Connected;
  bob: Connected;
  close(): Promise<void>;
}

/** Each tool that takes a conversation_id, with the rest of its arguments (some twice, on different paths). */
const PROBES: ReadonlyArray<readonly [tool: string, args: Record<string, unknown>]> = [
  ['get_conversation', {}],
  ['get_history', {}],
  ['get_history', { after_seq: 0 }],
  ['update_conversation', { title: 'pwned' }],
  ['delete_conversation', {}],
  ['restore_conversation', {}],
  ['append_messages', { messages: [{ role: 'user', content: 'x' }] }],
  ['append_messages', { messages: [{ role: 'tool', tool_call_id: 'a-call', content: 'x' }] }],
  ['fork_conversation', {}],
  ['fork_conversation', { through_seq: 1 }],
  ['delete_messages', { from_seq: 1 }],
  ['export_conversation', { format: 'json' }],
  ['export_conversation', { format: 'markdown' }],
  ['get_context', { max_tokens: 1000 }],
  ['set_summary', { summary: 'pwned', through_seq: 1 }],
  ['search_messages', { query: 'secret' }],
];

/** Tools where conversation_id only filters what the caller may read: alice's id must filter like a missing one. */
const FILTER_PROBES: ReadonlyArray<readonly [tool: string, args: Record<string, unknown>]> = [
  ['list_audit_events', {}],
];

const TRANSPORTS: Record<string, (database: Database) => Promise<Pair>> = {
  'in-memory': async (database) => {
    const alice = await connect(database, { owner: 'alice' });
    const bob = await connect(database, { owner: 'bob' });
    return { alice, bob, close: async () => void (await Promise.all([alice.close(), bob.close()])) };
  },
  http: async (database) => {
    const tokens = new TokenStore(database.db);
    const aliceToken = await tokens.create({ owner: 'alice' });
    const bobToken = await tokens.create({ owner: 'bob' });
    return httpPair(database, [aliceToken.secret, {}], [bobToken.secret, {}]);
  },
  // One service token, the owner named per request: a chatbot backend's memory per end user.
  'http, service token + X-Chat-History-Owner': async (database) => {
    const service = await new TokenStore(database.db).create({ owner: 'backend', service: true });
    return httpPair(
      database,
      [service.secret, { 'X-Chat-History-Owner': 'alice' }],
      [service.secret, { 'X-Chat-History-Owner': 'bob' }],
    );
  },
};

/** One HTTP server; alice and bob each connect with their [token, extra headers]. */
async function httpPair(
  database: Database,
  as: [string, Record<string, string>],
  bs: [string, Record<string, string>],
): Promise<Pair> {
  const http = await startTestHttp(database);
  const alice = await connectHttp(http.url, ...as);
  const bob = await connectHttp(http.url, ...bs);
  return {
    alice,
    bob,
    async close() {
      await Promise.all([alice.close(), bob.close()]);
      await http.close();
    },
  };
}

describe.each(Object.keys(TRANSPORTS))('over %s', (transport) => {
  let database: Database;
  let pair: Pair;
  let alice: Connected;
  let bob: Connected;
  let aliceId: string;
  let aliceBefore: unknown;

  beforeAll(async () => {
    database = await freshDatabase();
    pair = await TRANSPORTS[transport]!(database);
    ({ alice, bob } = pair);
    aliceId = (await alice.call('create_conversation', { key: 'diary', title: 'Private' })).conversation.id;
    await alice.call('append_messages', {
      conversation_id: aliceId,
      messages: [
        { role: 'user', content: 'secret' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'a-call', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
      ],
    });
    aliceBefore = await alice.call('get_history', { conversation_id: aliceId });
    await alice.call('create_conversation', { key: 'journal' });
  });
  afterAll(async () => {
    await pair?.close();
    await database?.close();
  });

  describe("owner isolation: bob probes alice's conversation", () => {
    const notFound = () => new RegExp(`^conversation ${aliceId} not found:`);
    const missing = '01a20000-0000-7000-8000-000000000000';

    it('every tool that takes a conversation_id answers exactly as for a missing id', async () => {
      // The probe list is complete: every tool whose input has a conversation_id is in it,
      // and everything in it still takes one.
      const takesId = (await bob.client.listTools()).tools
        .filter((t) => Object.hasOwn(t.inputSchema.properties ?? {}, 'conversation_id'))
        .map((t) => t.name);
      const probed = new Set([...PROBES, ...FILTER_PROBES].map(([tool]) => tool));
      expect(
        takesId.filter((t) => !probed.has(t)),
        'tools that take a conversation_id but are not in PROBES: add a probe for each',
      ).toEqual([]);
      expect(
        [...probed].filter((t) => !takesId.includes(t)),
        'PROBES names tools that take no conversation_id',
      ).toEqual([]);

      for (const [tool, args] of PROBES) {
        const onAlice = await bob.callError(tool, { conversation_id: aliceId, ...args });
        const onMissing = await bob.callError(tool, { conversation_id: missing, ...args });
        expect(onAlice, tool).toMatch(notFound());
        expect(onAlice.replace(aliceId, 'ID'), tool).toBe(onMissing.replace(missing, 'ID'));
      }
      for (const [tool, args] of FILTER_PROBES) {
        const onAlice = await bob.call(tool, { conversation_id: aliceId, ...args });
        const onMissing = await bob.call(tool, { conversation_id: missing, ...args });
        expect(onAlice, tool).toEqual(onMissing);
      }
    });

    it("bob sees none of alice's trash, audit events or usage", async () => {
      const trashed = (await alice.call('create_conversation', { key: 'to-trash', title: 'Private too' })).conversation
        .id;
      await alice.call('append_messages', {
        conversation_id: trashed,
        messages: [{ role: 'user', content: 'secret' }],
      });
      await alice.call('delete_conversation', { conversation_id: trashed });
      try {
        expect((await alice.call('list_conversations', { trash: true })).conversations.map((c: any) => c.id)).toEqual([
          trashed,
        ]);
        expect((await bob.call('list_conversations', { trash: true })).conversations).toEqual([]);
        expect((await bob.call('list_conversations', { trash: true, query: 'Private' })).conversations).toEqual([]);
        // Restoring alice's trashed conversation answers as for a missing id.
        const onAlice = await bob.callError('restore_conversation', { conversation_id: trashed });
        const onMissing = await bob.callError('restore_conversation', { conversation_id: missing });
        expect(onAlice.replace(trashed, 'ID')).toBe(onMissing.replace(missing, 'ID'));

        const aliceIds = new Set([aliceId, trashed]);
        const aliceEvents = (await alice.call('list_audit_events', { limit: 200 })).events;
        expect(aliceEvents.some((e: any) => e.conversation_id === trashed && e.operation === 'delete')).toBe(true);
        const bobEvents = (await bob.call('list_audit_events', { limit: 200 })).events;
        expect(bobEvents.filter((e: any) => aliceIds.has(e.conversation_id))).toEqual([]);
        for (const operation of ['create', 'append', 'delete']) {
          const page = await bob.call('list_audit_events', { operation, limit: 200 });
          expect(page.events.filter((e: any) => aliceIds.has(e.conversation_id))).toEqual([]);
        }

        // Usage counts each owner's own conversations only.
        const aliceUsage = await alice.call('get_usage', {});
        const bobUsage = await bob.call('get_usage', {});
        const bobLive = (await bob.call('list_conversations', { limit: 100 })).conversations.length;
        expect(aliceUsage.trash).toBe(1);
        expect(aliceUsage.bytes).toBeGreaterThan(0);
        expect(bobUsage).toMatchObject({ conversations: bobLive, trash: 0 });
      } finally {
        await alice.call('restore_conversation', { conversation_id: trashed });
        await alice.call('delete_conversation', { conversation_id: trashed });
      }
    });

    it("list and search show none of alice's conversations", async () => {
      expect((await bob.call('list_conversations', {})).conversations).toEqual([]);
      expect((await bob.call('list_conversations', { query: 'Private' })).conversations).toEqual([]);
      const hits = await bob.call('search_messages', { query: 'secret' });
      expect(hits.hits).toEqual([]);
    });

    it("an import by bob cannot attach to or collide with alice's key", async () => {
      const r = await bob.call('import_conversation', {
        format: 'openai',
        data: [{ role: 'user', content: 'mine' }],
        key: 'journal',
      });
      expect(r.key).toBe('journal');
      expect((await alice.call('create_conversation', { key: 'journal' })).conversation.id).not.toBe(r.id);
    });

    it("the same key gives bob his own conversation, not alice's", async () => {
      const mine = await bob.call('create_conversation', { key: 'diary' });
      expect(mine.created).toBe(true);
      expect(mine.conversation.id).not.toBe(aliceId);
      const bobs = (await bob.call('list_conversations', {})).conversations.map((c: { id: string }) => c.id);
      expect(bobs).toContain(mine.conversation.id);
      expect(bobs).not.toContain(aliceId);
    });

    it("resources and prompts treat alice's conversation exactly like a missing one", async () => {
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => new Error('unexpectedly succeeded'),
          (e: Error & { code?: number }) => e,
        );
      for (const uri of [`conversation://${aliceId}`, `conversation://${aliceId}/transcript.md`]) {
        const theirs = await failure(bob.client.readResource({ uri }));
        const absent = await failure(bob.client.readResource({ uri: uri.replace(aliceId, missing) }));
        expect((theirs as { code?: number }).code, uri).toBe(-32002);
        expect(theirs.message.replace(aliceId, 'ID'), uri).toBe(absent.message.replace(missing, 'ID'));
      }
      const listed = (await bob.client.listResources()).resources.map((r) => r.uri);
      expect(listed.some((uri) => uri.includes(aliceId))).toBe(false);
      const completion = await bob.client.complete({
        ref: { type: 'ref/resource', uri: 'conversation://{id}' },
        argument: { name: 'id', value: aliceId.slice(0, 8) },
      });
      expect(completion.completion.values).not.toContain(aliceId);
      for (const name of ['resume_conversation', 'summarize_conversation']) {
        const theirs = await failure(bob.client.getPrompt({ name, arguments: { conversation_id: aliceId } }));
        const absent = await failure(bob.client.getPrompt({ name, arguments: { conversation_id: missing } }));
        expect(theirs.message, name).toMatch(new RegExp(`conversation ${aliceId} not found`));
        expect(theirs.message.replace(aliceId, 'ID'), name).toBe(absent.message.replace(missing, 'ID'));
      }
    });

    it("alice's data is unchanged afterwards", async () => {
      expect(await alice.call('get_history', { conversation_id: aliceId })).toEqual(aliceBefore);
      expect(await alice.call('get_conversation', { conversation_id: aliceId })).toMatchObject({
        title: 'Private',
        message_count: 2,
      });
      expect((await alice.call('list_conversations', {})).conversations.map((c: { id: string }) => c.id)).toContain(
        aliceId,
      );
      expect((await alice.call('list_conversations', {})).conversations).toHaveLength(2);
    });
  });
});
