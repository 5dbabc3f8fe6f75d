/**
 * Prisma's schema engine, compiled to WebAssembly, driven in-process over SQLite.
 *
 * Why: the native schema-engine binary cannot be downloaded here, so `prisma migrate
 * dev/diff` don't run and migrations are hand-written. The same engine ships as wasm, so
 * we use it to (a) print the SQL Prisma would write (scripts/schema-engine.ts, the developer
 * command) and (b) check migrations for drift (test/tools/drift.test.ts). SQLite runs
 * offline against in-memory databases (~0.3 s); PostgreSQL needs the test server
 * (CHAT_HISTORY_TEST_POSTGRES_URL), where the engine makes and drops its shadow database.
 *
 * This is an internal, unversioned Prisma API: keep its use confined to this file.
 * How the pieces fit:
 * - `node_modules/prisma/build/schema_engine_bg.wasm` is the wasm-bindgen output of
 *   prisma-engines' schema-engine-wasm at the CLI's exact engine commit. The prisma CLI
 *   ships the .wasm but neither loads it nor ships its JS glue (in 7.10 `migrate` only
 *   spawns the native binary), so the glue (`schema_engine_bg.js`: the `__wbg_*` imports
 *   and the `SchemaEngine` class) comes from the devDependency `@prisma/schema-engine-wasm`.
 *   Its imports are name-for-name identical to the CLI's wasm; if a future upgrade breaks
 *   that (LinkError), we fall back to the package's own wasm.
 * - Instantiation follows the pattern the CLI uses for its other wasm
 *   (prisma_schema_build_bg.wasm): `new WebAssembly.Instance(module, { './<name>_bg.js':
 *   glue })`, then `__wbg_set_wasm(exports)` and `__wbindgen_start()`.
 * - `SchemaEngine.new({ datamodels }, log, adapterFactory)`: the factory must be a
 *   migration-aware driver adapter factory (`connect` + `connectToShadowDb`) wrapped by
 *   `bindMigrationAwareSqlAdapterFactory`, which turns thrown JS errors into Result values
 *   the engine understands (it reports them as "External error id#N", kept in
 *   `factory.errorRegistry`).
 * - Methods are the JSON-RPC ones of the native engine, taking plain objects: `diff`,
 *   `devDiagnostic`, `schemaPush`, `createMigration`, `applyMigrations`, ...
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
// Installed with (and versioned by) @prisma/adapter-better-sqlite3.
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { DiffTarget, MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type pg from 'pg';
import { adminQuery, databaseUrl } from './backend.js';

// tsconfig's lib (ES2023, no DOM) has no WebAssembly types: declare the bits used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  LinkError: new () => Error;
};

const require = createRequire(import.meta.url);
let loaded = false;

/** Instantiates the wasm once per process (the glue module holds a single instance). */
function loadEngine(): void {
  if (loaded) return;
  // `prisma/build/...` is not in prisma's "exports", but its package.json is.
  const cliWasm = path.join(path.dirname(require.resolve('prisma/package.json')), 'build/schema_engine_bg.wasm');
  const ownWasm = path.join(
    path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  const imports = { './schema_engine_bg.js': glue };
  let instance: { exports: Record<string, unknown> };
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(cliWasm)), imports);
  } catch (err) {
    if (!(err instanceof WebAssembly.LinkError)) throw err;
    process.stderr.write(`schema-engine: prisma's wasm does not match the glue (${err.message}); using ${ownWasm}\n`);
    instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(ownWasm)), imports);
  }
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  loaded = true;
}

/**
 * better-sqlite3 factory whose databases are all `:memory:` (main and shadow).
 * The engine replays each migration.sql with ONE `executeRaw` call, which better-sqlite3
 * rejects ("contains more than one statement"); argument-less executeRaw calls are
 * therefore sent to `executeScript` (better-sqlite3 `exec`) instead.
 */
function inMemoryFactory(opened: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSqlite3({ url: ':memory:' });
  const track = async (adapter: Promise<SqlDriverAdapter>) => {
    const a = await adapter;
    const executeRaw = a.executeRaw.bind(a);
    a.executeRaw = async (q) => {
      if (q.args.length > 0) return executeRaw(q);
      await a.executeScript(q.sql);
      return 0;
    };
    opened.push(a);
    return a;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => track(inner.connect()),
    connectToShadowDb: () => track(inner.connectToShadowDb()),
  };
}

/**
 * PostgreSQL factory on a real server. Worked around in the adapter (7.10):
 * - its connectToShadowDb() opens the shadow pool with `{ ...config, database }`, where a
 *   connectionString overrides `database` (node-postgres): the "shadow" would be the main
 *   database. And it drops the shadow database before closing that pool, which fails while
 *   the pool holds a connection. So the shadow database is made and dropped here
 *   (DROP … WITH (FORCE), after the adapter is disposed).
 * - it cannot read PostgreSQL's internal "char" type (see below).
 * - executeScript() splits the script on every ";", which breaks function bodies ($$ … $$).
 *   Scripts, and argument-less executeRaw calls, go to the pool's query() without
 *   parameters instead: the simple protocol, which runs a whole script as it is.
 */
function postgresFactory(url: string, opened: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  const forDatabase = (database: string) => new PrismaPg({ connectionString: databaseUrl(url, database) });
  const admin = (sql: string) => adminQuery(url, sql);
  const track = async (adapter: Promise<SqlDriverAdapter>, onDispose?: () => Promise<void>) => {
    const a = await adapter;
    const executeRaw = a.executeRaw.bind(a);
    // `client` is the adapter's pg.Pool (not a public API: test tooling only).
    const pool = (a as unknown as { client: pg.Pool }).client;
    a.executeRaw = async (q) => (q.args.length === 0 ? ((await pool.query(q.sql)).rowCount ?? 0) : executeRaw(q));
    a.executeScript = async (script) => void (await pool.query(script));
    // The engine reads catalog columns of PostgreSQL's internal type "char" (oid 18), e.g.
    // pg_proc.prokind once functions exist; the adapter has no mapping for it. Its values
    // arrive as one-character strings: declare them text (oid 25).
    const io = a as unknown as { performIO(q: unknown): Promise<{ fields: Array<{ dataTypeID: number }> }> };
    const performIO = io.performIO.bind(a);
    io.performIO = async (q) => {
      const result = await performIO(q);
      for (const f of result.fields) if (f.dataTypeID === 18) f.dataTypeID = 25;
      return result;
    };
    if (onDispose) {
      const dispose = a.dispose.bind(a);
      a.dispose = async () => {
        await dispose();
        await onDispose();
      };
    }
    opened.push(a);
    return a;
  };
  const main = new PrismaPg({ connectionString: url });
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: () => track(main.connect()),
    connectToShadowDb: async () => {
      const shadow = `prisma_shadow_${randomBytes(6).toString('hex')}`;
      await admin(`CREATE DATABASE ${shadow}`);
      return track(forDatabase(shadow).connect(), () => admin(`DROP DATABASE IF EXISTS ${shadow} WITH (FORCE)`));
    },
  };
}

export type Provider = 'sqlite' | 'postgresql';

function factoryFor(provider: Provider, opened: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  if (provider === 'sqlite') return inMemoryFactory(opened);
  const url = process.env.CHAT_HISTORY_TEST_POSTGRES_URL;
  if (!url) throw new Error('CHAT_HISTORY_TEST_POSTGRES_URL is not set: the PostgreSQL schema engine needs a server');
  return postgresFactory(url, opened);
}

/**
 * Tables the migrations create that schema.prisma cannot describe: the FTS5 virtual table of
 * search_messages and the shadow tables FTS5 creates for it (see migration
 * 20261122100000_search_fts). Without this the engine reports them as drift (it would drop
 * them). Passed as Prisma's own `externalTables` filter ("managed outside Prisma"), which
 * takes them out of the comparison; every other table is still checked, including
 * messages_fts_map, which schema.prisma does model. Simple names only: the engine refuses
 * schema-qualified ones on SQLite.
 */
export const EXTERNAL_TABLES: Record<Provider, string[]> = {
  sqlite: ['messages_fts', ...['config', 'content', 'data', 'docsize', 'idx'].map((s) => `messages_fts_${s}`)],
  // The tsvector table of migration 20261122100000_search_tsvector (schema-qualified on PostgreSQL).
  postgresql: ['public.messages_fts'],
};

function providerOf(schemaPath: string): Provider {
  return /provider\s*=\s*"postgresql"/.test(readFileSync(schemaPath, 'utf8')) ? 'postgresql' : 'sqlite';
}

/** Runs one `diff` with script output on a fresh engine, and cleans up after it. */
async function diff(schemaPath: string, from: DiffTarget): Promise<string> {
  loadEngine();
  const schema = { files: [{ path: schemaPath, content: readFileSync(schemaPath, 'utf8') }] };
  const opened: SqlDriverAdapter[] = [];
  const provider = providerOf(schemaPath);
  const factory = bindMigrationAwareSqlAdapterFactory(factoryFor(provider, opened));
  const log = process.env.DEBUG_SCHEMA_ENGINE ? (line: string) => process.stderr.write(`${line}\n`) : () => {};
  const engine = await glue.SchemaEngine.new(
    { datamodels: schema.files.map((f) => [f.path, f.content]) },
    log,
    factory,
  );
  try {
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', ...schema },
      script: true,
      exitCode: null,
      filters: { externalTables: EXTERNAL_TABLES[provider], externalEnums: [] },
    });
    return result.stdout ?? '';
  } catch (err) {
    // The engine only says "External error id#N": attach the JS error it refers to.
    const id = /External error id#(\d+)/.exec(String(err))?.[1];
    const cause = id === undefined ? undefined : factory.errorRegistry.consumeError(Number(id))?.error;
    throw cause ? new Error(`${String(err)}\nCaused by: ${String(cause)}`, { cause }) : err;
  } finally {
    engine.free();
    await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
  }
}

/** Reads `<dir>/<timestamp>_<name>/migration.sql` the way `prisma migrate` lists them. */
function readMigrations(migrationsDir: string): MigrationList {
  const dir = path.resolve(migrationsDir);
  const lockPath = path.join(dir, 'migration_lock.toml');
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => statSync(path.join(dir, n)).isDirectory())
        .sort()
    : [];
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      return {
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: existsSync(file)
            ? { tag: 'ok', value: readFileSync(file, 'utf8') }
            : { tag: 'error', value: `${file} is missing` },
        },
      };
    }),
  };
}

/** The full CREATE script Prisma would write as the first migration for this schema. */
export function diffEmptyToSchema(schemaPath: string): Promise<string> {
  return diff(schemaPath, { tag: 'empty' });
}

/**
 * SQL that brings a database with every migration applied (replayed on an in-memory
 * shadow database) to the schema: i.e. the next migration. When they agree the engine
 * returns exactly "-- This is an empty migration.\n" (see isEmptyMigration).
 */
export function diffMigrationsToSchema(opts: { schemaPath: string; migrationsDir: string }): Promise<string> {
  return diff(opts.schemaPath, { tag: 'migrations', ...readMigrations(opts.migrationsDir) });
}

/** True when a script has no statements: only `--` comments and whitespace. */
export function isEmptyMigration(sql: string): boolean {
  return sql.replace(/--.*$/gm, '').trim() === '';
}
