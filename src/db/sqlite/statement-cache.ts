import type { Database as Sqlite, Statement } from 'better-sqlite3';

/** Distinct SQL texts kept prepared; the least recently used is finalized past this. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The better-sqlite3 driver adapter prepares every statement anew (`client.prepare(sql)` per
 * query): ~90 µs of an append's ~1.6 ms went to compiling the same few SQL texts again
 * (measured by `npm run bench`). This gives the adapter a connection whose `prepare` hands out
 * statements compiled once per SQL text and kept in a bounded LRU, each use binding its own
 * arguments: the adapter's calls (`prepare(sql).bind(args)`, then `run()`, or `reader`,
 * `columns()` and `raw().all()`) behave exactly as before.
 *
 * It reaches into the adapter's `client` field, which its types do not declare. When a new
 * adapter version no longer has one, the adapter is returned untouched — slower, never wrong —
 * and test/sqlite/statement-cache.test.ts fails so the upgrade is noticed.
 */
export function cacheStatements<A extends object>(adapter: A): A {
  const holder = adapter as A & { client?: Sqlite };
  const client = holder.client;
  if (client === undefined || typeof client.prepare !== 'function') return adapter;
  holder.client = cachingConnection(client);
  return adapter;
}

/** Whether an adapter's connection caches statements (for the test that guards the reach-in). */
export function cachesStatements(adapter: object): boolean {
  return (adapter as { client?: { [CACHED]?: true } }).client?.[CACHED] === true;
}

const CACHED = Symbol('statement cache');

function cachingConnection(client: Sqlite): Sqlite {
  const statements = new Map<string, Statement<unknown[]>>();
  const prepared = (sql: string): Statement<unknown[]> => {
    let stmt = statements.get(sql);
    if (stmt === undefined) {
      stmt = client.prepare<unknown[]>(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) {
        // Map keeps insertion order and every hit re-inserts: the first key is the least recent.
        statements.delete(statements.keys().next().value!);
      }
    } else {
      statements.delete(sql);
    }
    statements.set(sql, stmt);
    return stmt;
  };
  // Everything else (exec, close, pragma …) is the connection's own.
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === CACHED) return true;
      if (property === 'prepare') return (sql: string) => reusable(prepared(sql));
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * What the adapter uses of `prepare(sql)`: `run()` at once (BEGIN), or `bind(args)` and then
 * run it or read it. A cached statement cannot be bound for good (better-sqlite3 allows that
 * once per statement), so the arguments travel with each call instead.
 */
function reusable(stmt: Statement<unknown[]>) {
  return {
    run: () => stmt.run(),
    bind: (args: unknown[]) => ({
      reader: stmt.reader,
      run: () => stmt.run(args),
      columns: () => stmt.columns(),
      raw: () => ({ all: () => stmt.raw(true).all(args) }),
    }),
  };
}
