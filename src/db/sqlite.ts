import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/sqlite/client.js';
import type { Logger } from '../logger.js';
import type { Database } from './client.js';
import { applyMigrations, sqliteMigrationsDir } from './migrate.js';
import { serialized } from './sqlite-serial.js';

export interface OpenSqliteOptions {
  /** Path of the SQLite file; its directory is created when missing. */
  path: string;
  /** How long a statement waits for another process's write lock (SQLite busy_timeout). */
  busyTimeoutMs: number;
  logger: Logger;
}

/**
 * Open the embedded database: create the file, apply pending migrations, then hand out a
 * Prisma client on the better-sqlite3 driver adapter with the connection settings that
 * several processes sharing one file need.
 */
export async function openSqlite(options: OpenSqliteOptions): Promise<Database> {
  mkdirSync(dirname(options.path), { recursive: true });
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

  // Statements wait behind open transactions: see sqlite-serial.ts for the data it lost before.
  const db = new PrismaClient({ adapter: serialized(adapter) });
  // Per-connection settings. NORMAL is durable in WAL mode except for the last transactions
  // before a power loss (never corruption).
  await db.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
  await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  return { db, provider: 'sqlite', close: () => db.$disconnect() };
}
