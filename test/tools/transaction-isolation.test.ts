import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { HistoryStore } from '../../src/history/store.js';
import { freshDatabase } from '../support/harness.js';

/**
 * One process serves many owners over one database client. A request's statements must never
 * become part of another request's transaction: on SQLite the client has a single connection,
 * and before src/db/sqlite/serial.ts a plain statement sent while another transaction was open
 * ran inside it — acknowledged, then rolled back with it.
 */
let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database.close());

describe('statements outside a transaction', () => {
  it('are not rolled back with, nor see the uncommitted writes of, a concurrent transaction', async () => {
    const store = new HistoryStore(database, DEFAULT_LIMITS, 10_000);
    const alice = store.forOwner('alice');
    const bob = store.forOwner('bob');
    const a = (await alice.createConversation({ title: 'a' })).conversation.id;
    const b = (await bob.createConversation({ title: 'b-before' })).conversation.id;

    // Alice's transaction writes, waits (as a transaction waits on its next statement), then fails.
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const failing = database.db
      .$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE conversations SET title = 'a-uncommitted' WHERE id = ${a}`;
        opened();
        await sleep(150);
        throw new Error('alice rolls back');
      })
      .catch((err: Error) => err.message);

    await isOpen;
    const [updated, seenByBob] = await Promise.all([
      bob.updateConversation({ conversation_id: b, title: 'b-after' }),
      alice.getConversation({ conversation_id: a }),
    ]);
    expect(updated.title).toBe('b-after');
    expect(seenByBob.title).toBe('a'); // never the uncommitted title
    expect(await failing).toBe('alice rolls back');

    expect((await bob.getConversation({ conversation_id: b })).title).toBe('b-after');
    expect((await alice.getConversation({ conversation_id: a })).title).toBe('a');
  });
});
