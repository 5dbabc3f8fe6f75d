// The SQLite connection keeps prepared statements (src/db/sqlite/statement-cache.ts). It works
// by reaching into the better-sqlite3 driver adapter: if an adapter upgrade moves what it
// reaches for, the cache silently turns off — these tests are what notice.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serialized } from '../../src/db/sqlite/serial.js';
import { cacheStatements, cachesStatements, STATEMENT_CACHE_SIZE } from '../../src/db/sqlite/statement-cache.js';
import { PrismaClient } from '../../src/generated/sqlite/client.js';
import { tempDir } from '../support/harness.js';

const dirs: Array<() => void> = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const cleanup of dirs.splice(0)) cleanup();
});

async function client(cached = true) {
  const { dir, cleanup } = tempDir();
  dirs.push(cleanup);
  const adapter = new PrismaBetterSqlite3({ url: `file:${dir}/cache.db` });
  return new PrismaClient({ adapter: cached ? serialized(adapter, cacheStatements) : serialized(adapter) });
}

describe('statement cache', () => {
  it('is switched on for the adapter this package depends on', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const adapter = await new PrismaBetterSqlite3({ url: `file:${dir}/probe.db` }).connect();
    try {
      expect(cachesStatements(adapter)).toBe(false);
      expect(cachesStatements(cacheStatements(adapter))).toBe(true);
    } finally {
      await adapter.dispose();
    }
  });

  it('compiles a statement once and binds each call its own arguments', async () => {
    const db = await client();
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    try {
      const answers: unknown[] = [];
      for (const n of [1, 2, 3]) answers.push(await db.$queryRaw`SELECT 40 + ${n} AS answer`);
      expect(answers).toEqual([[{ answer: 41 }], [{ answer: 42 }], [{ answer: 43 }]]);
      expect(prepare.mock.calls.filter(([sql]) => String(sql).includes('SELECT 40 +'))).toHaveLength(1);
    } finally {
      await db.$disconnect();
    }
  });

  it('writes and transactions behave as without it (commit, rollback, rows changed, types)', async () => {
    const scenario = async (db: PrismaClient) => {
      try {
        await db.$executeRawUnsafe('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT, at DATETIME, big INTEGER)');
        const at = new Date('2026-11-24T12:00:00.123Z');
        const inserted =
          await db.$executeRaw`INSERT INTO t (k, v, at, big) VALUES (${1}, ${'one'}, ${at}, ${2n ** 60n}), (${2}, ${'two'}, ${null}, ${null})`;
        const rolledBack = await db
          .$transaction(async (tx) => {
            await tx.$executeRaw`INSERT INTO t (k, v) VALUES (${3}, ${'three'})`;
            throw new Error('roll back');
          })
          .catch((err: Error) => err.message);
        await db.$transaction(async (tx) => {
          await tx.$executeRaw`INSERT INTO t (k, v) VALUES (${4}, ${'four'})`;
        });
        const rows = await db.$queryRaw`SELECT k, v, at, big FROM t ORDER BY k`;
        return { inserted, rolledBack, rows };
      } finally {
        await db.$disconnect();
      }
    };
    const cached = await scenario(await client(true));
    expect(cached.inserted).toBe(2);
    expect(cached.rolledBack).toBe('roll back');
    expect((cached.rows as Array<{ k: unknown }>).map((r) => Number(r.k))).toEqual([1, 2, 4]);
    expect(cached).toEqual(await scenario(await client(false)));
  });

  it('keeps at most its bound of distinct statements, dropping the least recently used', async () => {
    const db = await client();
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    try {
      const distinct = async (k: number) => db.$queryRawUnsafe(`SELECT ${k} AS k`);
      await distinct(0);
      for (let k = 1; k <= STATEMENT_CACHE_SIZE; k++) await distinct(k); // pushes statement 0 out
      await distinct(STATEMENT_CACHE_SIZE); // still cached
      await distinct(0); // compiled again
      const compiled = (k: number) => prepare.mock.calls.filter(([sql]) => sql === `SELECT ${k} AS k`).length;
      expect(compiled(STATEMENT_CACHE_SIZE)).toBe(1);
      expect(compiled(0)).toBe(2);
    } finally {
      await db.$disconnect();
    }
  });
});
