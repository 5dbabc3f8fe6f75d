import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../../generated/sqlite/client.js';
import type { Logger } from '../../logger.js';
import { sqliteMigrationsDir, upgradeRefusal } from '../migrations.js';
import type { Database } from '../types.js';
import { sqliteDialect } from './dialect.js';
import { applyMigrations } from './migrate.js';
import { prepareReadOnly } from './read-only.js';
import { serialized } from './serial.js';
import { isDirectoryProblem, SqliteStartProblem, sqliteStartError } from './start-errors.js';
import { cacheStatements } from './statement-cache.js';

export interface OpenSqliteOptions {
  /** Path of the SQLite file; its directory is created when missing (not when read-only). */
  path: string;
  /** The setting the path came from (--db, CHAT_HISTORY_DB …), for error messages; absent = the default location. */
  source?: string | undefined;
  /** How long a statement waits for another process's write lock (SQLite busy_timeout). */
  busyTimeoutMs: number;
  logger: Logger;
  /** Read-only connection, no migrations (see OpenDatabaseOptions.readOnly). */
  readOnly?: boolean;
  upgradeIfWritable?: boolean;
}

/**
 * Open the embedded database and hand out a Prisma client on the better-sqlite3 driver
 * adapter. Read-write (the default): create the file, apply pending migrations, and set what
 * several processes sharing one file need. Read-only: open the connection read-only and
 * change nothing. Any failure is one line naming the path and the setting it came from.
 */
export async function openSqlite(options: OpenSqliteOptions): Promise<Database> {
  try {
    if (existsSync(options.path) && statSync(options.path).isDirectory()) throw isDirectoryProblem(options.path);
    return options.readOnly === true ? await openReadOnly(options) : await openReadWrite(options);
  } catch (err) {
    throw sqliteStartError(err, options.path, options.source);
  }
}

async function openReadWrite(options: OpenSqliteOptions): Promise<Database> {
  mkdirSync(dirname(options.path), { recursive: true });
  // SQLite opens a file it may not write read-only without a word, and every write would
  // fail later, one tool call at a time: say so now.
  if (!existsSync(options.path) && !writable(dirname(options.path))) {
    throw new SqliteStartProblem(
      `this user may not create files in its folder ${dirname(options.path)}: choose another path, or change the folder's permissions`,
    );
  }
  if (existsSync(options.path) && !writable(options.path)) {
    throw new SqliteStartProblem(
      'it is read-only for this user: start with --read-only to only read it, or make it writable',
    );
  }
  const adapter = new PrismaBetterSqlite3({ url: `file:${options.path}`, timeout: options.busyTimeoutMs });

  const migrator = await adapter.connect();
  try {
    // WAL is a property of the file: set once, before the schema exists, so concurrent
    // starters and later readers never block behind a writer.
    await migrator.executeScript('PRAGMA journal_mode = WAL');
    await applyMigrations(migrator, sqliteMigrationsDir(), options.logger);
  } finally {
    await migrator.dispose();
  }

  // Statements wait behind open transactions: see serial.ts for the data it lost before.
  // Per-connection settings, applied when Prisma opens its connection (at the first query, so
  // a start that only lists tools never compiles Prisma's query compiler: ~30 MB and ~60 ms).
  // NORMAL is durable in WAL mode except for the last transactions before a power loss (never
  // corruption).
  const db = new PrismaClient({
    adapter: serialized(adapter, (connection) =>
      settings(connection, 'PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON'),
    ),
  });
  return { db, provider: 'sqlite', dialect: sqliteDialect, close: () => db.$disconnect() };
}

async function openReadOnly(options: OpenSqliteOptions): Promise<Database> {
  const file = prepareReadOnly(options.path, options.busyTimeoutMs);
  try {
    if (file.pending.length > 0) {
      // export: bring the file up to date first when this user may write it (as a start would).
      if (
        options.upgradeIfWritable === true &&
        !file.snapshot &&
        writable(options.path) &&
        writable(dirname(options.path))
      ) {
        file.release();
        return await openReadWrite(options);
      }
      throw new SqliteStartProblem(`it ${upgradeRefusal(file.pending.length, file.initialised)}`);
    }
    if (file.snapshot) {
      options.logger.warn(
        { db: options.path, snapshot: file.path },
        'the database folder is not writable and SQLite cannot read this WAL database in place: reading a copy made now (later changes are not seen)',
      );
    }
    const adapter = new PrismaBetterSqlite3({
      url: `file:${file.path}`,
      timeout: options.busyTimeoutMs,
      readonly: true,
      fileMustExist: true,
    });
    // One connection here too: a read transaction must not take in another request's statements.
    const db = new PrismaClient({
      adapter: serialized(adapter, (connection) => settings(connection, 'PRAGMA foreign_keys = ON')),
    });
    return {
      db,
      provider: 'sqlite',
      dialect: sqliteDialect,
      close: async () => {
        await db.$disconnect();
        file.release();
      },
    };
  } catch (err) {
    file.release();
    throw err;
  }
}

/** A new connection of Prisma's: its settings, then the statement cache. */
async function settings<C extends { executeScript(script: string): Promise<void> }>(
  connection: C,
  pragmas: string,
): Promise<C> {
  await connection.executeScript(pragmas);
  return cacheStatements(connection);
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
