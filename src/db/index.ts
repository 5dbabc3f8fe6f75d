import { openPostgres } from './postgresql/open.js';
import { openSqlite } from './sqlite/open.js';
import type { Database, OpenDatabaseOptions } from './types.js';

export { describeDatabase } from './describe.js';
export { DatabaseStartError } from './start-error.js';
export type * from './types.js';

/** Open the configured database, apply pending migrations, and hand out its client and dialect. */
export function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { target, ...rest } = options;
  return target.provider === 'sqlite'
    ? openSqlite({ path: target.path, source: target.source, ...rest })
    : openPostgres({ url: target.url, ...rest });
}
