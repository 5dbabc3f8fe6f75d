import type { Database, OpenDatabaseOptions } from './types.js';

export { describeDatabase } from './describe.js';
export { DatabaseStartError } from './start-error.js';
export type * from './types.js';

/**
 * Open the configured database, apply pending migrations, and hand out its client and dialect.
 *
 * Each backend is imported only when chosen: the PostgreSQL side (pg, @prisma/adapter-pg, its
 * generated client) costs ~70 ms and ~25 MB that a SQLite server would load for nothing, and
 * the other way round.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { target, ...rest } = options;
  if (target.provider === 'sqlite') {
    const { openSqlite } = await import('./sqlite/open.js');
    return openSqlite({ path: target.path, source: target.source, ...rest });
  }
  const { openPostgres } = await import('./postgresql/open.js');
  return openPostgres({ url: target.url, ...rest });
}
