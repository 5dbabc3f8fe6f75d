import type { PrismaClient } from '../generated/sqlite/client.js';
import type { Logger } from '../logger.js';
import { openPostgres } from './postgresql.js';
import { openSqlite } from './sqlite.js';

/** Where the history lives: one SQLite file (the default), or a PostgreSQL server. */
export type DatabaseTarget =
  /** `source`: the setting the path came from (--db, CHAT_HISTORY_DB …), named in error messages; absent = the default location. */
  | { provider: 'sqlite'; path: string; source?: string }
  | { provider: 'postgresql'; url: string };
export type Provider = DatabaseTarget['provider'];

/** The database for logs and messages: a SQLite path, or a PostgreSQL URL without its password. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.provider === 'sqlite') return target.path;
  try {
    const url = new URL(target.url);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgresql (unparsable URL)';
  }
}

/**
 * The Prisma client the history layer queries with. Both backends' generated clients come
 * from schemas with the same models (test/schema-parity.test.ts), so their model APIs are
 * the same; the SQLite client's type stands for both. The few raw statements that differ
 * between the two SQL dialects branch on `Database.provider`.
 */
export type HistoryDb = PrismaClient;

export interface Database {
  db: HistoryDb;
  provider: Provider;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  target: DatabaseTarget;
  /**
   * How long a write waits for another writer's lock (SQLite busy_timeout; on PostgreSQL
   * the lock_timeout of the server's sessions) and how long a transaction may take.
   */
  busyTimeoutMs: number;
  logger: Logger;
  /**
   * Open without writing anything: a read-only SQLite connection (works on a file or folder
   * this user can only read), read-only PostgreSQL sessions, and no migrations — a database
   * that needs one is refused with what to do.
   */
  readOnly?: boolean;
  /** With readOnly: apply pending migrations first when the database can be written (export). */
  upgradeIfWritable?: boolean;
}

export { DatabaseStartError } from './start-error.js';

/** Open the configured database, apply pending migrations, and hand out its Prisma client. */
export function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { target, ...rest } = options;
  return target.provider === 'sqlite'
    ? openSqlite({ path: target.path, source: target.source, ...rest })
    : openPostgres({ url: target.url, ...rest });
}
