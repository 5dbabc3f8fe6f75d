import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../logger.js';
import { describeDatabase } from '../describe.js';
import { type Migration, readMigrations, warnAboutUnknown } from '../migrations.js';
import { DatabaseStartError } from '../start-error.js';

/**
 * Applies prisma/postgresql/migrations at start, recorded in `_prisma_migrations` as
 * `prisma migrate deploy` records them (see ../migrations.ts for why the server does this itself).
 *
 * PostgreSQL specifics: DDL is transactional, so each migration runs in one transaction
 * with its bookkeeping row: it is applied completely or not at all. Every transaction first
 * takes one advisory lock, so instances starting together against a new database queue up,
 * and each migration is applied exactly once (the later ones find it recorded).
 */

/** Arbitrary constant key of the advisory lock (chosen once; "chm" + "migr" in ASCII). */
const LOCK_KEY = '6514541109757113714';

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function applyPostgresMigrations(url: string, dir: string, logger: Logger): Promise<string[]> {
  const migrations = readMigrations(dir);
  const client = await connect(url);
  try {
    const applied = await locked(client, async () => {
      await client.query(CREATE_MIGRATIONS_TABLE);
      return appliedMigrations(client);
    });
    warnAboutUnknown(applied, migrations, logger);
    const done: string[] = [];
    for (const migration of migrations) {
      const known = applied.get(migration.name);
      if (known !== undefined) {
        if (known !== migration.checksum) {
          logger.warn({ migration: migration.name }, 'migration was edited after it was applied; not re-applied');
        }
        continue;
      }
      if (await applyOne(client, migration)) {
        done.push(migration.name);
        logger.info({ migration: migration.name }, 'migration applied');
      }
    }
    return done;
  } finally {
    await client.end();
  }
}

/**
 * The migrations of `dir` the database has not had, found without writing anything (the
 * check a read-only start makes instead of migrating).
 */
export async function pendingPostgresMigrations(
  url: string,
  dir: string,
): Promise<{ pending: string[]; initialised: boolean }> {
  const migrations = readMigrations(dir);
  const client = await connect(url);
  try {
    const { rows } = await client.query<{ tracked: boolean }>(
      `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS tracked`,
    );
    const applied = rows[0]?.tracked === true ? await appliedMigrations(client) : new Map<string, string>();
    return {
      pending: migrations.map((m) => m.name).filter((name) => !applied.has(name)),
      initialised: applied.size > 0,
    };
  } finally {
    await client.end();
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'chat-history-mcp (migrations)' });
  try {
    await client.connect();
    return client;
  } catch (err) {
    throw new DatabaseStartError(
      `cannot connect to PostgreSQL at ${describeDatabase({ provider: 'postgresql', url })}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** One transaction holding the migration lock; rolled back if `work` throws. */
async function locked<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Finished, not rolled-back migrations: name → checksum. */
async function appliedMigrations(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return new Map(rows.map((r) => [r.migration_name, r.checksum]));
}

/** False when another instance applied it while we waited for the lock. */
async function applyOne(client: pg.Client, m: Migration): Promise<boolean> {
  try {
    return await locked(client, async () => {
      if ((await appliedMigrations(client)).has(m.name)) return false;
      const id = randomUUID();
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [id, m.checksum, m.name],
      );
      // No parameters: the simple query protocol, which runs a script of many statements.
      await client.query(m.sql);
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
        id,
      ]);
      return true;
    });
  } catch (err) {
    throw new DatabaseStartError(`migration ${m.name} failed and was rolled back: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
