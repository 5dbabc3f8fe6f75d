import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/postgresql/client.js';
import type { Logger } from '../logger.js';
import type { Database, HistoryDb } from './client.js';
import { applyPostgresMigrations } from './migrate-postgresql.js';
import { postgresMigrationsDir } from './migrate.js';

export interface OpenPostgresOptions {
  /** postgresql://user:password@host:port/database?… (node-postgres connection string). */
  url: string;
  /** Upper bound on a write transaction's run time, as on SQLite. */
  busyTimeoutMs: number;
  logger: Logger;
}

/** Connections each server instance keeps at most (node-postgres pool). */
const POOL_MAX = 10;

/**
 * PostgreSQL through @prisma/adapter-pg. Migrations first, on one dedicated connection
 * under an advisory lock (several instances may start at once), then a pooled client.
 */
export async function openPostgres(options: OpenPostgresOptions): Promise<Database> {
  await applyPostgresMigrations(options.url, postgresMigrationsDir(), options.logger);
  const adapter = new PrismaPg({
    connectionString: options.url,
    max: POOL_MAX,
    application_name: 'chat-history-mcp',
    // A transaction left open by a crashed request must not hold row locks for ever.
    idle_in_transaction_session_timeout: Math.max(options.busyTimeoutMs * 2, 10_000),
  });
  const client = new PrismaClient({ adapter });
  // Same models as the SQLite schema (test/schema-parity.test.ts): one client type serves both.
  const db = client as unknown as HistoryDb;
  // Fail at start, not on the first tool call, when the server cannot be reached.
  await client.$queryRaw`SELECT 1`;
  return { db, provider: 'postgresql', close: () => client.$disconnect() };
}
