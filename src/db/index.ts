import { setFlagsFromString } from 'node:v8';
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
  keepWasmOnBaselineTier();
  const { target, ...rest } = options;
  if (target.provider === 'sqlite') {
    const { openSqlite } = await import('./sqlite/open.js');
    return openSqlite({ path: target.path, source: target.source, ...rest });
  }
  const { openPostgres } = await import('./postgresql/open.js');
  return openPostgres({ url: target.url, ...rest });
}

/**
 * Prisma's query compiler is WebAssembly (~3 MB, both backends), compiled at the client's
 * first query. By default V8 then recompiles the functions those first queries run with its
 * optimizing tier, in background threads: +40–50 MB of RSS within a second and ~60–100 ms of
 * CPU, for code that rarely runs again, as the client caches each query's compiled plan.
 * Measured (npm run bench, 1k): idle RSS 165 -> 119 MB, server CPU per tool call equal or
 * lower for every operation. A budget this high keeps wasm on V8's baseline tier unless a
 * function is very hot. Process-wide, but only wasm is affected and Prisma's is the only
 * wasm here; set before the first client compiles it (setting it again changes nothing).
 */
function keepWasmOnBaselineTier(): void {
  setFlagsFromString('--wasm-tiering-budget=1000000000');
}
