import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import { type FreshTarget, freshTarget } from '../support/backend.js';
import { type Connected, openTarget } from '../support/harness.js';
import { connectHttp } from '../support/http.js';
import { type RunningHttpCli, startHttpCli } from '../support/spawn-http.js';

/**
 * Many agents, many instances, one PostgreSQL database: two server processes over HTTP and
 * eight clients (four per instance) appending to the same conversation and get-or-creating
 * the same key at once. Every message must be stored once, seq gapless, one conversation
 * per key, and no client may see an error.
 */
const CLIENTS = 8;
const APPENDS_PER_CLIENT = 40;

describe('PostgreSQL: two HTTP instances, eight clients', () => {
  let fresh: FreshTarget;
  let servers: RunningHttpCli[] = [];
  let clients: Connected[] = [];

  beforeAll(async () => {
    fresh = await freshTarget('postgresql');
    const database = await openTarget(fresh.target);
    const secret = (await new TokenStore(database.db).create({ owner: 'fleet', name: 'ci' })).secret;
    await database.close();
    servers = await Promise.all([startHttpCli(fresh.target), startHttpCli(fresh.target)]);
    clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connectHttp(servers[i % 2]!.url, secret)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const s of servers) s.child.kill('SIGTERM');
    const exits = await Promise.all(servers.map((s) => s.exited));
    expect(exits.map((e) => e.code)).toEqual(servers.map(() => 0));
    await fresh.drop();
  });

  it('get-or-create of one key from every client yields one conversation', async () => {
    const results = await Promise.all(
      clients.map((c) => c.call('create_conversation', { key: 'shared-key', title: 'team' })),
    );
    const ids = new Set(results.map((r) => r.conversation.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const listed = await clients[0]!.call('list_conversations', { limit: 100 });
    expect(listed.conversations.filter((c: { key: string | null }) => c.key === 'shared-key')).toHaveLength(1);
  }, 60_000);

  it('concurrent appends to one conversation: each stored once, seq gapless, per-client order kept', async () => {
    const { conversation } = await clients[0]!.call('create_conversation', { key: 'appends' });
    await Promise.all(
      clients.map(async (api, c) => {
        for (let i = 0; i < APPENDS_PER_CLIENT; i++) {
          // Every call must succeed: call() fails the test on an isError result.
          await api.call('append_messages', {
            conversation_id: conversation.id,
            messages: [{ role: 'user', content: `c${c}-m${i}` }],
          });
        }
      }),
    );
    const stored: Array<{ seq: number; content: string }> = [];
    for (let after = 0; ; ) {
      const page = await clients[1]!.call('get_history', {
        conversation_id: conversation.id,
        after_seq: after,
        limit: 500,
      });
      stored.push(...page.messages);
      if (!page.has_more_after) break;
      after = page.messages.at(-1).seq;
    }
    const total = CLIENTS * APPENDS_PER_CLIENT;
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.content)).size).toBe(total);
    for (let c = 0; c < CLIENTS; c++) {
      const mine = stored.filter((m) => m.content.startsWith(`c${c}-`)).map((m) => Number(m.content.split('-m')[1]));
      expect(mine).toEqual(Array.from({ length: APPENDS_PER_CLIENT }, (_, i) => i));
    }
    const got = await clients[2]!.call('get_conversation', { conversation_id: conversation.id });
    expect(got.message_count).toBe(total);
  }, 120_000);

  it('idempotent retries racing on two instances store the batch once', async () => {
    const { conversation } = await clients[0]!.call('create_conversation', { key: 'retries' });
    const args = {
      conversation_id: conversation.id,
      idempotency_key: 'batch-1',
      messages: [
        { role: 'user', content: 'once' },
        { role: 'assistant', content: 'only once' },
      ],
    };
    const results = await Promise.all(clients.map((c) => c.call('append_messages', args)));
    expect(new Set(results.map((r) => JSON.stringify(r.messages.map((m: { id: string }) => m.id)))).size).toBe(1);
    const page = await clients[3]!.call('get_history', { conversation_id: conversation.id });
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['once', 'only once']);
  }, 60_000);

  it('several instances starting on one new database apply each migration exactly once', async () => {
    const target = await freshTarget('postgresql');
    try {
      const opened = await Promise.all(Array.from({ length: 4 }, () => openTarget(target.target)));
      const rows = await opened[0]!.db.$queryRaw<Array<{ migration_name: string; n: bigint }>>`
        SELECT migration_name, count(*) AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`;
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(Number(row.n), row.migration_name).toBe(1);
      await Promise.all(opened.map((d) => d.close()));
    } finally {
      await target.drop();
    }
  }, 60_000);
});
