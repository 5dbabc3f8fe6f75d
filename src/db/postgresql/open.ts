import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/postgresql/client.js';
import type { Logger } from '../../logger.js';
import { describeDatabase } from '../describe.js';
import { postgresMigrationsDir, upgradeRefusal } from '../migrations.js';
import { DatabaseStartError } from '../start-error.js';
import type { Database, HistoryDb } from '../types.js';
import { postgresDialect } from './dialect.js';
import { applyPostgresMigrations, pendingPostgresMigrations } from './migrate.js';

export interface OpenPostgresOptions {
  /** postgresql://user:password@host:port/database?… (node-postgres connection string). */
  url: string;
  /** Upper bound on a write transaction's run time, as on SQLite. */
  busyTimeoutMs: number;
  logger: Logger;
  /** No migrations (refused when pending) and read-only sessions (see OpenDatabaseOptions.readOnly). */
  readOnly?: boolean;
  upgradeIfWritable?: boolean;
}

/** Connections each server instance keeps at most (node-postgres pool). */
const POOL_MAX = 10;

/**
 * PostgreSQL through @prisma/adapter-pg. Migrations first, on one dedicated connection
 * under an advisory lock (several instances may start at once), then a pooled client.
 */
export async function openPostgres(options: OpenPostgresOptions): Promise<Database> {
  if (options.readOnly !== true || (await needsUpgrade(options.url, options.upgradeIfWritable === true))) {
    await applyPostgresMigrations(options.url, postgresMigrationsDir(), options.logger);
  }
  const adapter = new PrismaPg({
    connectionString: options.url,
    max: POOL_MAX,
    application_name: 'chat-history-mcp',
    // A transaction left open by a crashed request must not hold row locks for ever.
    idle_in_transaction_session_timeout: Math.max(options.busyTimeoutMs * 2, 10_000),
    // Read-only: the server refuses every write, whatever a bug or a tool might send.
    ...(options.readOnly === true && { options: '-c default_transaction_read_only=on' }),
  });
  const client = new PrismaClient({ adapter });
  // Same models as the SQLite schema (test/unit/schema-parity.test.ts): one client type serves both.
  const db = client as unknown as HistoryDb;
  // Fail at start, not on the first tool call, when the server cannot be reached.
  await client.$queryRaw`SELECT 1`;
  return { db, provider: 'postgresql', dialect: postgresDialect, close: () => client.$disconnect() };
}

/**
 * A read-only start changes nothing, migrations included: a database that needs one is
 * refused, unless `upgrade` (export, which migrates first as any start would). Checked
 * without writing, so a role that may only read passes when nothing is pending.
 */
async function needsUpgrade(url: string, upgrade: boolean): Promise<boolean> {
  const { pending, initialised } = await pendingPostgresMigrations(url, postgresMigrationsDir());
  if (pending.length === 0) return false;
  if (upgrade) return true;
  const where = `PostgreSQL database ${describeDatabase({ provider: 'postgresql', url })} (set by DATABASE_URL)`;
  throw new DatabaseStartError(`${where} ${upgradeRefusal(pending.length, initialised)}`);
}
