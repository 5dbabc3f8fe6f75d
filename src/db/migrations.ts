import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';

/**
 * What both backends' migrators share. The server applies the Prisma migration folders at
 * start-up itself, through the driver it queries with, because the Prisma CLI's schema engine
 * is not available where this server runs; each migration is recorded in `_prisma_migrations`
 * exactly as `prisma migrate deploy` records it (sha256 of migration.sql, start/finish times,
 * applied_steps_count), so a machine that does have the engine sees the database as up to
 * date. The backend specifics are in sqlite/migrate.ts and postgresql/migrate.ts.
 */

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function sqliteMigrationsDir(): string {
  // Same relative place from src/db (tests) and dist/db (the package).
  return fileURLToPath(new URL('../../prisma/sqlite/migrations', import.meta.url));
}

export function postgresMigrationsDir(): string {
  return fileURLToPath(new URL('../../prisma/postgresql/migrations', import.meta.url));
}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new Error(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${dir}/${d.name}/migration.sql`))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(`${dir}/${name}/migration.sql`);
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

/**
 * Migrations edited after they shipped, with the checksums of their earlier texts. An edit is
 * made only when it leaves the same schema behind (here: SQL that older SQLite can parse), so
 * a database that applied an earlier text is up to date; its record is moved to the file's
 * checksum instead of being warned about at every start.
 */
const EARLIER_TEXTS: Readonly<Record<string, readonly string[]>> = {
  // group_concat(… ORDER BY …) (SQLite 3.44) became an ordered subquery, so that the sqlite3
  // CLI, Python and DB browsers can replay the migrations; 20261124000000 had already
  // replaced those triggers in every database that applied the earlier text.
  '20261122100000_search_fts': ['d0480e0c319f88db374de80f94bcdb52a044f7c675ee852419c517e93751a6fa'],
};

/** Whether `checksum` is an earlier text of the migration `name` (see EARLIER_TEXTS). */
export function isEarlierText(name: string, checksum: string): boolean {
  return EARLIER_TEXTS[name]?.includes(checksum) ?? false;
}

export function warnAboutUnknown(applied: Map<string, unknown>, local: Migration[], logger: Logger): void {
  const localNames = new Set(local.map((m) => m.name));
  const unknown = [...applied.keys()].filter((name) => !localNames.has(name));
  if (unknown.length > 0) {
    logger.warn(
      { migrations: unknown },
      'database has migrations this version does not know (written by a newer version?)',
    );
  }
}

/** Why a read-only open refuses a database with pending migrations; follows "it" or the database's name. */
export function upgradeRefusal(pending: number, initialised: boolean): string {
  return initialised
    ? `needs an upgrade (${pending} migration(s) of this version not applied), which a read-only open does not make: start the server once without --read-only to upgrade it`
    : 'holds no chat history tables yet, and a read-only open does not create them: start the server once without --read-only';
}
