import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { readMigrations, sqliteMigrationsDir } from '../../src/db/migrations.js';
import { applyMigrations } from '../../src/db/sqlite/migrate.js';
import { openTestDatabase, silentLogger, tempDir } from '../support/harness.js';
import { startServer } from '../support/spawn.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function migrationRows(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      )
      .all() as Array<{
      migration_name: string;
      checksum: string;
      finished_at: string | null;
      applied_steps_count: number;
    }>;
  } finally {
    db.close();
  }
}

describe('migrations at start-up', () => {
  const local = readMigrations(sqliteMigrationsDir());

  it('creates the file, applies every migration and records it as Prisma does', async () => {
    const path = join(tmp.dir, 'nested', 'dir', 'fresh.db');
    const database = await openTestDatabase(path);
    await database.close();
    const rows = migrationRows(path);
    expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
    for (const row of rows) {
      const sql = readFileSync(join(sqliteMigrationsDir(), row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('is idempotent: a second start applies nothing and keeps the data', async () => {
    const path = join(tmp.dir, 'twice.db');
    const first = await openTestDatabase(path);
    await first.db.conversation.create({
      data: { id: 'c1', owner: 'o', createdAt: new Date(), updatedAt: new Date() },
    });
    await first.close();
    const before = migrationRows(path);
    const second = await openTestDatabase(path);
    expect(await second.db.conversation.count()).toBe(1);
    await second.close();
    expect(migrationRows(path)).toEqual(before);
  });

  it('two processes starting at once on a new file apply each migration exactly once', async () => {
    const path = join(tmp.dir, 'race.db');
    const servers = await Promise.all([startServer(path, []), startServer(path, []), startServer(path, [])]);
    // Both serve, against one schema.
    const created = await Promise.all(servers.map((s) => s.call('create_conversation', { key: 'k' })));
    expect(new Set(created.map((c) => c.conversation.id)).size).toBe(1);
    await Promise.all(servers.map((s) => s.close()));
    expect(migrationRows(path).map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
  }, 30_000);

  it('applies a migration added later, and rolls back one that fails as a whole', async () => {
    const dir = join(tmp.dir, 'migrations-copy');
    cpSync(sqliteMigrationsDir(), dir, { recursive: true });
    const path = join(tmp.dir, 'later.db');
    const conn = await new PrismaBetterSqlite3({ url: `file:${path}` }).connect();
    try {
      expect(await applyMigrations(conn, dir, silentLogger)).toEqual(local.map((m) => m.name));

      cpSync(join(dir, local[0]!.name), join(dir, '29990101000000_broken'), { recursive: true });
      writeFileSync(
        join(dir, '29990101000000_broken', 'migration.sql'),
        'CREATE TABLE "half_done" ("x" TEXT);\nTHIS IS NOT SQL;',
      );
      await expect(applyMigrations(conn, dir, silentLogger)).rejects.toThrow(
        /29990101000000_broken failed and was rolled back/,
      );
      const tables = await conn.queryRaw({
        sql: `SELECT name FROM sqlite_master WHERE name = 'half_done'`,
        args: [],
        argTypes: [],
      });
      expect(tables.rows).toEqual([]);

      writeFileSync(join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "added_later" ("x" TEXT);');
      expect(await applyMigrations(conn, dir, silentLogger)).toEqual(['29990101000000_broken']);
      expect(await applyMigrations(conn, dir, silentLogger)).toEqual([]);
    } finally {
      await conn.dispose();
    }
  });

  it('takes a migration edited after it shipped as applied when the record holds its earlier text', async () => {
    const path = join(tmp.dir, 'edited.db');
    (await openTestDatabase(path)).close();
    const name = '20261122100000_search_fts';
    const earlier = 'd0480e0c319f88db374de80f94bcdb52a044f7c675ee852419c517e93751a6fa';
    const other = 'e'.repeat(64);
    const setChecksum = (checksum: string) => {
      const db = new Database(path);
      db.prepare('UPDATE _prisma_migrations SET checksum = ? WHERE migration_name = ?').run(checksum, name);
      db.close();
    };
    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (_o: unknown, msg: string) => void warnings.push(msg),
    } as typeof silentLogger;
    const conn = await new PrismaBetterSqlite3({ url: `file:${path}` }).connect();
    try {
      setChecksum(earlier);
      expect(await applyMigrations(conn, sqliteMigrationsDir(), logger)).toEqual([]);
      expect(warnings).toEqual([]);
      const current = local.find((m) => m.name === name)!.checksum;
      expect(current).not.toBe(earlier);
      expect(migrationRows(path).find((r) => r.migration_name === name)!.checksum).toBe(current);
      // Any other text is still an edit nobody vouched for: warned about, left as recorded.
      setChecksum(other);
      expect(await applyMigrations(conn, sqliteMigrationsDir(), logger)).toEqual([]);
      expect(warnings).toEqual(['migration was edited after it was applied; not re-applied']);
      expect(migrationRows(path).find((r) => r.migration_name === name)!.checksum).toBe(other);
    } finally {
      await conn.dispose();
    }
  });
});
