/**
 * Seeded databases, built once and cached under bench/.cache/ (git-ignored; always this
 * repository's, also when BENCH_SERVER_ROOT measures another build), keyed by size and by the
 * migration set of the build under test, so a schema change rebuilds them and a rerun starts in seconds.
 *
 * How (default, BENCH_SEED_MODE=upgrade): the built server's own migration code applies the
 * first migration (the tables), better-sqlite3 prepared statements fill them in large
 * transactions, then the same code applies the remaining migrations — the path of a user who
 * upgrades with a full database, so later migrations backfill what they maintain (the search
 * index is built in bulk), about 5x faster than paying the FTS triggers row by row.
 * BENCH_SEED_MODE=triggers instead applies every migration first and lets the triggers fire
 * on each insert (an index grown incrementally, as in use; slower to build).
 * Either way `_prisma_migrations` ends up exactly as the server writes it. The rows: fill.ts.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { CACHE, type DistModules, MIGRATIONS } from './dist.js';
import { type Filled, fill, finish } from './fill.js';

/** Bump when the generator changes, so old cached files are not reused. */
const GENERATOR_VERSION = 3;

export interface SeedInfo extends Filled {
  label: string;
  file_bytes: number;
  seed_ms: number;
  migrations: string;
}

export interface Seeded extends SeedInfo {
  path: string;
  cached: boolean;
}

/** upgrade (default) or triggers: see the top of this file. */
function seedMode(): 'upgrade' | 'triggers' {
  const mode = process.env.BENCH_SEED_MODE ?? 'upgrade';
  if (mode !== 'upgrade' && mode !== 'triggers') throw new Error('BENCH_SEED_MODE must be upgrade or triggers');
  return mode;
}

export function parseSize(label: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(label.trim());
  if (!m) throw new Error(`BENCH_SIZES: cannot read size ${JSON.stringify(label)} (use e.g. 1k, 100k, 1M)`);
  const n = Math.round(Number(m[1]) * ({ k: 1e3, m: 1e6 }[m[2]!.toLowerCase()] ?? 1));
  if (n < 500) throw new Error(`BENCH_SIZES: ${label} is too small (at least 500 messages)`);
  return n;
}

/** Names and bytes of every migration: the database layout the seed depends on. */
export function migrationSetHash(): string {
  const h = createHash('sha256').update(`generator ${GENERATOR_VERSION} ${seedMode()}\n`);
  for (const name of readdirSync(MIGRATIONS).sort()) {
    const file = join(MIGRATIONS, name, 'migration.sql');
    if (existsSync(file)) h.update(`${name}\n`).update(readFileSync(file));
  }
  return h.digest('hex').slice(0, 12);
}

export async function seeded(label: string, dist: DistModules, log: (s: string) => void): Promise<Seeded> {
  const messages = parseSize(label);
  const hash = migrationSetHash();
  mkdirSync(CACHE, { recursive: true });
  const path = join(CACHE, `seed-${messages}-${hash}.db`);
  const infoPath = `${path}.json`;
  if (existsSync(path) && existsSync(infoPath)) {
    // Marks the set as recently used, for pruneStale() in a run against another build.
    const now = new Date();
    utimesSync(infoPath, now, now);
    return { ...(JSON.parse(readFileSync(infoPath, 'utf8')) as SeedInfo), path, cached: true };
  }
  pruneStale(hash);
  log(`seeding ${label} messages (cached afterwards in ${CACHE}) …`);
  const tmp = join(CACHE, `.building-${process.pid}-${messages}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(tmp + suffix, { force: true });
  const started = performance.now();
  const logger = dist.createLogger('silent');
  const upgrade = seedMode() === 'upgrade';
  if (upgrade) {
    // Only the first migration (the tables): a folder holding just that one.
    const first = readdirSync(MIGRATIONS)
      .filter((n) => existsSync(join(MIGRATIONS, n, 'migration.sql')))
      .sort()[0]!;
    const only = join(CACHE, `.first-migration-${process.pid}`);
    rmSync(only, { recursive: true, force: true });
    cpSync(join(MIGRATIONS, first), join(only, first), { recursive: true });
    await migrate(tmp, only, dist, logger);
    rmSync(only, { recursive: true, force: true });
  } else {
    await migrate(tmp, MIGRATIONS, dist, logger);
  }
  const counts = fill(tmp, messages);
  if (upgrade) await migrate(tmp, MIGRATIONS, dist, logger);
  finish(tmp, messages);
  flush(tmp);
  const info: SeedInfo = {
    label,
    ...counts,
    file_bytes: statSync(tmp).size,
    seed_ms: Math.round(performance.now() - started),
    migrations: hash,
  };
  renameSync(tmp, path);
  writeFileSync(infoPath, `${JSON.stringify(info, null, 2)}\n`);
  return { ...info, path, cached: false };
}

/**
 * Cached seeds of other migration sets (or generator versions) are dead weight, up to 1 GB
 * each; so are half-built files of runs that were killed. One other set is kept, the most
 * recently used: before/after runs (BENCH_SERVER_ROOT) alternate between two builds whose
 * migrations may differ, and reseeding 1M messages on every switch costs minutes.
 */
function pruneStale(hash: string): void {
  const lastUse = new Map<string, number>();
  for (const f of readdirSync(CACHE)) {
    const info = /^seed-\d+-([0-9a-f]+)\.db\.json$/.exec(f);
    if (info && info[1] !== hash) {
      const t = statSync(join(CACHE, f)).mtimeMs;
      lastUse.set(info[1]!, Math.max(t, lastUse.get(info[1]!) ?? 0));
    }
  }
  const keep = [...lastUse].sort((a, b) => b[1] - a[1])[0]?.[0];
  for (const f of readdirSync(CACHE)) {
    const seed = /^seed-\d+-([0-9a-f]+)\.db(?:\.json|-wal|-shm)?$/.exec(f);
    const partial = /^\.(?:building|first-migration)-(\d+)/.exec(f);
    if ((seed && seed[1] !== hash && seed[1] !== keep) || (partial && !alive(Number(partial[1]))))
      rmSync(join(CACHE, f), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Apply the migrations in `dir` with the server's own code, as openDatabase() does at start. */
async function migrate(path: string, dir: string, dist: DistModules, logger: unknown): Promise<void> {
  const adapter = await new PrismaBetterSqlite3({ url: `file:${path}` }).connect();
  try {
    await adapter.executeScript('PRAGMA journal_mode = WAL');
    await dist.applyMigrations(adapter, dir, logger);
  } finally {
    await adapter.dispose();
  }
}

/**
 * A private copy to mutate; the cache stays untouched. Flushed to disk before use: otherwise
 * the kernel writes back a 1M-message copy (1.3 GB) while the measurements run.
 */
export function copyOf(seed: Seeded, dest: string): string {
  for (const suffix of ['', '-wal', '-shm']) rmSync(dest + suffix, { force: true });
  copyFileSync(seed.path, dest);
  flush(dest);
  return dest;
}

function flush(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}
