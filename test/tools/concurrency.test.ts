import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testBackend } from '../support/backend.js';
import { connect, freshDatabase, tempDir } from '../support/harness.js';
import { startServer } from '../support/spawn.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('concurrent appends', () => {
  it('1,000 messages from 10 concurrent callers come back in seq order, gapless, each exactly once', async () => {
    const database = await freshDatabase();
    const clients = await Promise.all(Array.from({ length: 10 }, () => connect(database)));
    try {
      const id = (await clients[0]!.call('create_conversation', { key: 'shared' })).conversation.id;
      await Promise.all(
        clients.map(async (api, c) => {
          for (let i = 0; i < 100; i++) {
            await api.call('append_messages', {
              conversation_id: id,
              messages: [{ role: 'user', content: `c${c}-m${i}` }],
            });
          }
        }),
      );
      const stored: Array<{ seq: number; content: string }> = [];
      for (let after = 0; ; ) {
        const page = await clients[0]!.call('get_history', { conversation_id: id, after_seq: after, limit: 500 });
        stored.push(...page.messages);
        if (!page.has_more_after) break;
        after = page.messages.at(-1).seq;
      }
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(new Set(stored.map((m) => m.content)).size).toBe(1000);
      // Each caller's own messages keep the order it sent them in.
      for (let c = 0; c < 10; c++) {
        const mine = stored.filter((m) => m.content.startsWith(`c${c}-`)).map((m) => Number(m.content.split('-m')[1]));
        expect(mine).toEqual(Array.from({ length: 100 }, (_, i) => i));
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await database.close();
    }
  }, 60_000);

  // SQLite's multi-process case; PostgreSQL's is test/postgresql/concurrency.test.ts (over HTTP).
  it.skipIf(testBackend() !== 'sqlite')(
    'two server processes on one file get-or-create one conversation and lose no append',
    async () => {
      // Separate processes, not two connections in this one: better-sqlite3 waits for a lock
      // synchronously, so two connections in one thread would block each other's progress.
      const path = join(tmp.dir, 'two.db');
      const [a, b] = await Promise.all([
        startServer(path, ['--log-level', 'warn']),
        startServer(path, ['--log-level', 'warn']),
      ]);
      try {
        const [ra, rb] = await Promise.all([
          a.call('create_conversation', { key: 'same' }),
          b.call('create_conversation', { key: 'same' }),
        ]);
        expect(ra.conversation.id).toBe(rb.conversation.id);
        expect([ra.created, rb.created].filter(Boolean)).toHaveLength(1);
        const id = ra.conversation.id;
        const batch = (who: string, i: number) => [
          { role: 'user', content: `${who}${i}` },
          { role: 'assistant', content: `${who}${i}-reply` },
        ];
        await Promise.all(
          [a, b].map((api, w) =>
            Promise.all(
              Array.from({ length: 50 }, (_, i) =>
                api.call('append_messages', { conversation_id: id, messages: batch(w === 0 ? 'a' : 'b', i) }),
              ),
            ),
          ),
        );
        const page = await a.call('get_history', { conversation_id: id, after_seq: 0, limit: 500 });
        expect(page.message_count).toBe(200);
        expect(page.messages.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
        // Batches stay contiguous: every user message is directly followed by its reply.
        for (let i = 0; i < 200; i += 2) {
          expect(page.messages[i + 1].content).toBe(`${page.messages[i].content}-reply`);
        }
      } catch (err) {
        // A server that died says why only on its stderr: show it with the failure.
        throw new Error(
          `${(err as Error).message}\nserver a stderr:\n${a.stderr().slice(-3000)}\nserver b stderr:\n${b.stderr().slice(-3000)}`,
          { cause: err },
        );
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
    60_000,
  );
});
