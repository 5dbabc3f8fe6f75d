import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { HistoryStore } from '../../src/history/store.js';
import { freshTarget } from '../support/backend.js';
import { silentLogger } from '../support/harness.js';

/**
 * `--read-only` on PostgreSQL: no migrations (a database that needs them is refused with what
 * to do), and sessions opened with default_transaction_read_only, so the server cannot write
 * whatever reaches it.
 */
describe('PostgreSQL --read-only', () => {
  it('an empty database is refused without being touched', async () => {
    const fresh = await freshTarget('postgresql');
    try {
      await expect(
        openDatabase({ target: fresh.target, busyTimeoutMs: 10_000, logger: silentLogger, readOnly: true }),
      ).rejects.toThrow(
        /holds no chat history tables yet, and a read-only open does not create them: start the server once without --read-only$/,
      );
      // Not even the bookkeeping table was created.
      const client = new pg.Client({ connectionString: (fresh.target as { url: string }).url });
      await client.connect();
      const { rows } = await client.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
      await client.end();
      expect(rows).toEqual([{ t: null }]);
    } finally {
      await fresh.drop();
    }
  });

  it('a migrated database opens with read-only sessions: reads work, writes are refused by PostgreSQL', async () => {
    const fresh = await freshTarget('postgresql');
    try {
      const rw = await openDatabase({ target: fresh.target, busyTimeoutMs: 10_000, logger: silentLogger });
      await new HistoryStore(rw, DEFAULT_LIMITS, 10_000).forOwner('local').createConversation({ title: 'kept' });
      await rw.close();

      const ro = await openDatabase({
        target: fresh.target,
        busyTimeoutMs: 10_000,
        logger: silentLogger,
        readOnly: true,
      });
      try {
        const [setting] = await ro.db.$queryRawUnsafe<Array<{ default_transaction_read_only: string }>>(
          'SHOW default_transaction_read_only',
        );
        expect(setting?.default_transaction_read_only).toBe('on');
        expect((await ro.db.conversation.findMany()).map((c) => c.title)).toEqual(['kept']);
        await expect(
          new HistoryStore(ro, DEFAULT_LIMITS, 10_000).forOwner('local').createConversation({ title: 'no' }),
        ).rejects.toThrow(/read-only/);
        expect(await ro.db.conversation.count()).toBe(1);
      } finally {
        await ro.close();
      }
    } finally {
      await fresh.drop();
    }
  });
});
