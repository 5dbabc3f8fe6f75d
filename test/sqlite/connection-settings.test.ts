// The settings of Prisma's SQLite connection are applied when Prisma opens it (the first
// query), not at start: this checks they are in force on that connection, read-write and
// read-only alike.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { openTestDatabase, silentLogger, tempDir } from '../support/harness.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function pragmas(db: { $queryRawUnsafe<T>(sql: string): Promise<T> }) {
  const [fk] = await db.$queryRawUnsafe<Array<{ foreign_keys: number | bigint }>>('PRAGMA foreign_keys');
  const [sync] = await db.$queryRawUnsafe<Array<{ synchronous: number | bigint }>>('PRAGMA synchronous');
  const [journal] = await db.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode');
  return {
    foreignKeys: Number(fk?.foreign_keys),
    synchronous: Number(sync?.synchronous),
    journal: journal?.journal_mode,
  };
}

describe('SQLite connection settings', () => {
  it('read-write: foreign keys on, synchronous NORMAL, WAL', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const database = await openTestDatabase(`${dir}/rw.db`);
    try {
      expect(await pragmas(database.db)).toEqual({ foreignKeys: 1, synchronous: 1, journal: 'wal' });
    } finally {
      await database.close();
    }
  });

  it('read-only: foreign keys on', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    await (await openTestDatabase(`${dir}/ro.db`)).close();
    const database = await openDatabase({
      target: { provider: 'sqlite', path: `${dir}/ro.db` },
      busyTimeoutMs: 1000,
      logger: silentLogger,
      readOnly: true,
    });
    try {
      expect((await pragmas(database.db)).foreignKeys).toBe(1);
    } finally {
      await database.close();
    }
  });
});
