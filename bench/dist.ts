/**
 * Paths of the repository, and the BUILT server's modules loaded at run time. The bench
 * measures what ships (dist/), so it imports dist/ dynamically instead of src/ (which would
 * also put src/ under this tsconfig's rootDir). The interfaces below are the small part of
 * dist/'s API the bench uses.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Resolved from this file, so it works from bench/ (source) and dist-bench/ (compiled) alike.
// The bench's own files (seed cache, results, peers) always live in THIS repository, so that
// measuring another build never writes into it.
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CACHE = join(ROOT, 'bench', '.cache');
export const RESULTS = join(ROOT, 'bench', 'results');
export const PEER = join(ROOT, 'bench', '.peer');

/**
 * The repository whose BUILT server is measured: BENCH_SERVER_ROOT (e.g. a frozen earlier
 * build, for before/after figures from the same machine), else this one. Its dist/ is spawned
 * and imported, its migrations key the seed cache, its folder is what `npm pack` packs.
 */
export const SERVER_ROOT = process.env.BENCH_SERVER_ROOT?.trim() ? resolve(process.env.BENCH_SERVER_ROOT.trim()) : ROOT;
export const SERVER_CLI = join(SERVER_ROOT, 'dist', 'cli.js');
export const MIGRATIONS = join(SERVER_ROOT, 'prisma', 'sqlite', 'migrations');

export interface Closable {
  close(): Promise<void>;
}

export interface DistDatabase extends Closable {
  db: unknown;
  provider: string;
}

export type DomainOp = (input: unknown) => Promise<unknown>;

export interface DistModules {
  openDatabase(o: {
    target: { provider: 'sqlite'; path: string };
    busyTimeoutMs: number;
    logger: unknown;
  }): Promise<DistDatabase>;
  createLogger(level: string): unknown;
  applyMigrations(conn: unknown, dir: string, logger: unknown): Promise<string[]>;
  DEFAULT_LIMITS: Record<string, number>;
  HistoryStore: new (
    database: DistDatabase,
    limits: unknown,
    busyTimeoutMs: number,
  ) => { forOwner(owner: string): Record<string, DomainOp> };
  createServer(deps: { history: unknown; logger: unknown; version: string; readOnly?: boolean }): {
    server: { connect(t: unknown): Promise<void> };
    close(): Promise<void>;
  };
}

async function load(rel: string): Promise<any> {
  const file = join(SERVER_ROOT, 'dist', rel);
  if (!existsSync(file))
    throw new Error(
      `${file} is missing: run \`npm run bench\` (it builds first) or \`npm run build\` (in BENCH_SERVER_ROOT if set)`,
    );
  return import(pathToFileURL(file).href);
}

export async function loadDist(): Promise<DistModules> {
  const [client, migrate, logger, limits, store, server] = await Promise.all([
    load('db/index.js'),
    load('db/sqlite/migrate.js'),
    load('logger.js'),
    load('history/core/limits.js'),
    load('history/store.js'),
    load('mcp/server.js'),
  ]);
  return {
    openDatabase: client.openDatabase,
    createLogger: logger.createLogger,
    applyMigrations: migrate.applyMigrations,
    DEFAULT_LIMITS: limits.DEFAULT_LIMITS,
    HistoryStore: store.HistoryStore,
    createServer: server.createServer,
  };
}
