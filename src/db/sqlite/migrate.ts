import { randomUUID } from 'node:crypto';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { Logger } from '../../logger.js';
import { isEarlierText, type Migration, readMigrations, warnAboutUnknown } from '../migrations.js';

/**
 * Applies prisma/sqlite/migrations at start (see ../migrations.ts for why the server does this
 * itself). Every migration runs inside `BEGIN IMMEDIATE`, which takes the write lock, so two
 * processes starting on the same new file apply each migration exactly once (the second
 * waits, then sees it recorded). Foreign keys are switched off *before* the transaction —
 * inside one the pragma is silently ignored, and a table rebuild (`DROP TABLE` with foreign
 * keys on) would cascade-delete child rows — and `PRAGMA foreign_key_check` must come back
 * empty before the commit.
 */

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const text = { scalarType: 'string', arity: 'scalar' } as const;

interface AppliedRow {
  name: string;
  checksum: string;
}

async function appliedMigrations(conn: SqlDriverAdapter): Promise<Map<string, AppliedRow>> {
  const result = await conn.queryRaw({
    sql: `SELECT migration_name, checksum FROM "_prisma_migrations"
          WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    args: [],
    argTypes: [],
  });
  return new Map(result.rows.map((r) => [String(r[0]), { name: String(r[0]), checksum: String(r[1]) }]));
}

/** Apply every migration in `dir` not yet recorded as finished. Returns the names applied. */
export async function applyMigrations(conn: SqlDriverAdapter, dir: string, logger: Logger): Promise<string[]> {
  const migrations = readMigrations(dir);
  await conn.executeScript(CREATE_MIGRATIONS_TABLE);
  const applied = await appliedMigrations(conn);
  warnAboutUnknown(applied, migrations, logger);

  const done: string[] = [];
  for (const migration of migrations) {
    const known = applied.get(migration.name);
    if (known) {
      if (known.checksum === migration.checksum) continue;
      if (isEarlierText(migration.name, known.checksum)) {
        await conn.executeRaw({
          sql: 'UPDATE "_prisma_migrations" SET checksum = ? WHERE migration_name = ? AND checksum = ?',
          args: [migration.checksum, migration.name, known.checksum],
          argTypes: [text, text, text],
        });
      } else {
        logger.warn({ migration: migration.name }, 'migration was edited after it was applied; not re-applied');
      }
      continue;
    }
    if (await applyOne(conn, migration)) {
      done.push(migration.name);
      logger.info({ migration: migration.name }, 'migration applied');
    }
  }
  return done;
}

/** False when another process applied it while we waited for the lock. */
async function applyOne(conn: SqlDriverAdapter, m: Migration): Promise<boolean> {
  await conn.executeScript('PRAGMA foreign_keys = OFF');
  await conn.executeScript('BEGIN IMMEDIATE');
  try {
    if ((await appliedMigrations(conn)).has(m.name)) {
      await conn.executeScript('COMMIT');
      return false;
    }
    const id = randomUUID();
    await conn.executeRaw({
      sql: `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
            VALUES (?, ?, ?, current_timestamp, 0)`,
      args: [id, m.checksum, m.name],
      argTypes: [text, text, text],
    });
    await conn.executeScript(m.sql);
    const violations = await conn.queryRaw({ sql: 'PRAGMA foreign_key_check', args: [], argTypes: [] });
    if (violations.rows.length > 0) {
      throw new Error(`migration ${m.name} leaves ${violations.rows.length} foreign key violation(s)`);
    }
    await conn.executeRaw({
      sql: `UPDATE "_prisma_migrations" SET finished_at = current_timestamp, applied_steps_count = 1 WHERE id = ?`,
      args: [id],
      argTypes: [text],
    });
    await conn.executeScript('COMMIT');
    return true;
  } catch (err) {
    await conn.executeScript('ROLLBACK').catch(() => undefined);
    throw new Error(`migration ${m.name} failed and was rolled back: ${(err as Error).message}`, { cause: err });
  } finally {
    await conn.executeScript('PRAGMA foreign_keys = ON');
  }
}
