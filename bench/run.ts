/**
 * `npm run bench`: the BUILT server (dist/cli.js) over stdio, driven by the SDK client, on
 * seeded databases of 1k, 100k and 1M messages; each operation against its physical limit
 * (stdio floor + the same rows with raw better-sqlite3) and against two peers
 * (@modelcontextprotocol/server-memory, mcp-memory-keeper); then the SDK client's listTools,
 * tools/list and a PostgreSQL append over HTTP, and the installed size. Prints tables, ending
 * with the goals table (goals.ts), and writes the same figures as JSON to bench/results/
 * (git-ignored). Not part of `npm test`; timings are for reading.
 *
 *   BENCH_SIZES=1k,100k,1M     sizes (messages) to measure; default all three
 *   BENCH_PEER_SIZES=1k,10k    stored items for the peer comparison; BENCH_PEER=0 skips it
 *   BENCH_PROFILE=0            skip the in-process breakdown (statements per call etc.)
 *   BENCH_CPU_PROFILE=largest  server CPU by component via --cpu-prof: largest size, all, or 0
 *   BENCH_SERVER_NODE_ARGS=…   extra node/V8 flags for the server under test (e.g. --liftoff-only)
 *   BENCH_COLD_STARTS=5        cold starts per size (median reported)
 *   BENCH_WORST=0              skip the worst-case table (bench/worst.ts; WORST_* variables there)
 *   BENCH_INSTALL=0            skip the installed size (npm pack + npm install, about a minute)
 *   BENCH_SERVER_ROOT=path     measure another build (its dist/, migrations, package), e.g. a
 *                              frozen earlier commit; cache and results stay in this repository
 *   BENCH_BASELINE=path        a report JSON of an earlier run: the "before" column of the goals table
 *   BENCH_POSTGRES_URL=…       PostgreSQL for the HTTP append figure (else CHAT_HISTORY_TEST_POSTGRES_URL)
 *
 * Seeded files are cached in bench/.cache/ (keyed by size and migration set); every
 * measurement that writes runs on a fresh copy.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { type CpuBreakdown, cpuProfiles } from './cpuprofile.js';
import { CACHE, type DistModules, loadDist, RESULTS, ROOT as ROOT_OF_BENCH, SERVER_ROOT } from './dist.js';
import { goals, printGoals, readBaseline } from './goals.js';
import { installFigures } from './installsize.js';
import { ensureKeeper, KEEPER, keeperServer, measureKeeper, seedKeeper } from './keeper.js';
import { listToolsFigures } from './listtools.js';
import { readLoadFigure } from './loadfigure.js';
import { operations } from './ops.js';
import { httpFigures } from './overhttp.js';
import { ensurePeer, measurePeer, peerServer, seedPeer } from './peer.js';
import type { InstalledPeer } from './peer-install.js';
import { type Breakdown, profile } from './profile.js';
import { openRaw } from './raw.js';
import { type PeerResult, printReport, type Report, type SizeResult } from './report.js';
import { copyOf, removeDb, type Seeded, seeded } from './seed.js';
import { open, ourServer, SERVER_NODE_ARGS, type Session } from './server.js';
import { startupProbe } from './startup.js';
import { FAST, measure, measureSync, median, type Plan, positiveInt, round1, type Timing } from './stats.js';
import { printWorstTable } from './worst/table.js';
import { worstCaseBench } from './worst.js';

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const list = (v: string | undefined, d: string) =>
  (v?.trim() ? v : d)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const SIZES = list(process.env.BENCH_SIZES, '1k,100k,1M');
const PEER_SIZES = process.env.BENCH_PEER === '0' ? [] : list(process.env.BENCH_PEER_SIZES, '1k,10k');
const PROFILE = process.env.BENCH_PROFILE !== '0';
/** Server CPU profiles: 'largest' size only (default), 'all', or '0'. */
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE ?? 'largest';
const COLD_STARTS = positiveInt(process.env.BENCH_COLD_STARTS, 5);
const INSTALL = process.env.BENCH_INSTALL !== '0';
const BASELINE = process.env.BENCH_BASELINE?.trim() || null;
const PEER_PLAN: Plan = { n: 300, warmup: 20, budgetMs: 6000 };

async function withSession<T>(s: Session, fn: (s: Session) => Promise<T>): Promise<T> {
  try {
    return await fn(s);
  } catch (err) {
    process.stderr.write(`server stderr (tail):\n${s.stderrTail()}\n`);
    throw err;
  } finally {
    await s.close();
  }
}

async function runSize(label: string, dist: DistModules, work: string): Promise<SizeResult> {
  const seed = await seeded(label, dist, log);
  log(
    `${label}: ${seed.messages} messages in ${seed.conversations} conversations (${seed.cached ? 'cached' : `seeded in ${seed.seed_ms} ms`})`,
  );
  const srvPath = copyOf(seed, join(work, `server-${label}.db`));
  const first = await open(ourServer(srvPath));
  const ops = operations(seed.targets, first.tools);
  const shapes: Record<string, unknown> = {};
  const result = await withSession(first, async (s) => {
    const idle = s.rssMb();
    log(`${label}: stdio ping floor`);
    const floor = await measure(FAST, () => s.client.ping());
    const server: Record<string, Timing> = {};
    const cpu: Record<string, number> = {};
    for (const op of ops) {
      log(`${label}: ${op.label}`);
      shapes[op.label] = await s.call(op.tool, op.args(1_000_000, 'shape'));
      const before = s.cpuMs();
      const t = await measure(op.plan, (i) => s.call(op.tool, op.args(i)));
      server[op.label] = t;
      // Server CPU per call (warm-up included): unlike wall time, barely moved by other load.
      cpu[op.label] = round1(((s.cpuMs() - before) * 1000) / (t.n + t.warmup));
    }
    return { idle, floor, server, cpu, end: s.rssMb(), tools: s.tools.map((t) => t.name) };
  });

  log(`${label}: ${COLD_STARTS} cold starts`);
  const cold: { ms: number; rss: number }[] = [];
  for (let k = 0; k < COLD_STARTS; k++) {
    cold.push(await withSession(await open(ourServer(srvPath)), async (s) => ({ ms: s.startMs, rss: s.rssMb() })));
  }
  log(`${label}: start-up probe`);
  const startup = startupProbe(srvPath, SERVER_NODE_ARGS);
  removeDb(srvPath);

  log(`${label}: raw better-sqlite3 limits`);
  const rawPath = copyOf(seed, join(work, `raw-${label}.db`));
  const store = openRaw(rawPath);
  const raw: Record<string, Timing | null> = {};
  // The same writes once more without the triggers that keep derived data (the search index)
  // in step: what that upkeep costs, and the limit of a store without it.
  const rawUnindexed: Record<string, Timing> = {};
  try {
    for (const op of ops) {
      const fn = op.raw(store, shapes[op.label]);
      raw[op.label] = fn && measureSync(op.plan, fn);
    }
    if (store.dropWriteTriggers() > 0) {
      for (const op of ops.filter((o) => o.writes > 0))
        rawUnindexed[op.label] = measureSync(op.plan, op.raw(store, null, 'nt')!);
    }
  } finally {
    store.close();
  }
  removeDb(rawPath);

  let breakdown: Record<string, Breakdown> | null = null;
  if (PROFILE) {
    log(`${label}: in-process breakdown (statements per call)`);
    const path = copyOf(seed, join(work, `profile-${label}.db`));
    const calls = Object.fromEntries(
      ops.map((op) => [
        op.label,
        { tool: op.tool, args: (i: number) => op.args(i, 'p'), iterations: op.writes >= 100 ? 30 : 200 },
      ]),
    );
    breakdown = await profile(dist, path, calls);
    removeDb(path);
  }

  let cpu: Record<string, CpuBreakdown> | null = null;
  if (CPU_PROFILE === 'all' || (CPU_PROFILE === 'largest' && label === SIZES.at(-1))) {
    log(`${label}: server CPU profiles (--cpu-prof), one session per operation`);
    const path = copyOf(seed, join(work, `cpuprof-${label}.db`));
    cpu = await cpuProfiles(path, ops, work);
    removeDb(path);
  }

  const rows = ops.map((op) => {
    const t = result.server[op.label]!;
    const r = raw[op.label] ?? null;
    const limit = r ? round1(result.floor.p50_us + r.p50_us) : null;
    return {
      op: op.label,
      tool: op.tool,
      writes_per_call: op.writes,
      ...t,
      server_cpu_us: result.cpu[op.label] ?? null,
      messages_per_s: op.writes > 0 ? t.ops_per_s * op.writes : null,
      raw_p50_us: r?.p50_us ?? null,
      raw_ops_per_s: r?.ops_per_s ?? null,
      raw_without_triggers_p50_us: rawUnindexed[op.label]?.p50_us ?? null,
      limit_us: limit,
      ratio: limit ? Math.round((t.p50_us / limit) * 100) / 100 : null,
    };
  });
  return {
    label,
    seed: seedInfo(seed),
    tools_listed: result.tools,
    floor_ping: result.floor,
    ops: rows,
    rss_mb: { idle: result.idle, end: result.end },
    cold_start: {
      trials_ms: cold.map((c) => round1(c.ms)),
      median_ms: round1(median(cold.map((c) => c.ms))),
      idle_rss_mb: median(cold.map((c) => c.rss)),
    },
    startup,
    breakdown,
    cpu_profile: cpu,
  };
}

/** The seed's description without its cache path (machine-specific). */
const seedInfo = ({ path: _path, ...rest }: Seeded): SizeResult['seed'] => rest;

async function runPeer(
  label: string,
  dist: DistModules,
  work: string,
  peer: InstalledPeer,
  keeper: InstalledPeer,
): Promise<PeerResult> {
  const seed = await seeded(label, dist, log);
  const items = seed.messages;
  log(`peer at ${label}: ours`);
  const dbPath = copyOf(seed, join(work, `peer-ours-${label}.db`));
  const ours = await withSession(await open(ourServer(dbPath)), async (s) => ({
    idle_rss_mb: s.rssMb(),
    append_1: await measure(PEER_PLAN, (i) =>
      s.call('append_messages', {
        conversation_id: seed.targets.append.id,
        messages: [
          {
            role: 'user',
            content: `observation ${i}: the user prefers concise answers and works on the billing service in Go (new)`,
          },
        ],
      }),
    ),
    create_conversation: await measure(PEER_PLAN, (i) =>
      s.call('create_conversation', { title: `new conversation ${i}` }),
    ),
    // The newest message of a stored conversation: the analogue of the keeper's context_get of one key.
    get_history_1: await measure(PEER_PLAN, () =>
      s.call('get_history', { conversation_id: seed.targets.history.id, limit: 1 }),
    ),
  }));
  removeDb(dbPath);
  log(`peer at ${label}: server-memory`);
  const file = join(work, `peer-memory-${label}.jsonl`);
  const theirs = await withSession(await open(peerServer(peer.entry, file)), async (s) => {
    const idle_rss_mb = s.rssMb();
    const seed_ms = await seedPeer(s, items);
    return { idle_rss_mb, seed_ms, ...(await measurePeer(s, items, PEER_PLAN)) };
  });
  rmSync(file, { force: true });
  log(`peer at ${label}: ${KEEPER}`);
  const dataDir = join(work, `peer-keeper-${label}`);
  mkdirSync(dataDir);
  const keeperResult = await withSession(await open(keeperServer(keeper.entry, dataDir)), async (s) => {
    const idle_rss_mb = s.rssMb();
    const seed_ms = await seedKeeper(s, items);
    return { idle_rss_mb, seed_ms, ...(await measureKeeper(s, items, PEER_PLAN)) };
  });
  rmSync(dataDir, { recursive: true, force: true });
  const ratio = (a: Timing, b: Timing) => round1(a.p50_us / b.p50_us);
  const ratio2 = (a: Timing, b: Timing) => Math.round((a.p50_us / b.p50_us) * 100) / 100;
  return {
    items,
    label,
    ours,
    peer: theirs,
    peer_over_ours: {
      append: ratio(theirs.add_observations, ours.append_1),
      create: ratio(theirs.create_entities, ours.create_conversation),
    },
    keeper: keeperResult,
    ours_over_keeper: {
      append: ratio2(ours.append_1, keeperResult.context_save),
      get: ratio2(ours.get_history_1, keeperResult.context_get),
    },
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  if (loadBefore > cpus().length) {
    log(
      `warning: load average ${loadBefore.toFixed(1)} on ${cpus().length} cores: other processes will inflate the figures`,
    );
  }
  // Read first: a wrong path should fail now, not after a quarter of an hour of measuring.
  const baseline = BASELINE ? { path: BASELINE, report: readBaseline(BASELINE) } : null;
  if (SERVER_ROOT !== ROOT_OF_BENCH) log(`measuring the build in ${SERVER_ROOT}`);
  const dist = await loadDist();
  const work = mkdtempSync(join(tmpdir(), 'chat-history-bench-'));
  // Copies of a 1M-message database are large: do not leave them behind on Ctrl-C.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  }
  try {
    const sizes: SizeResult[] = [];
    for (const label of SIZES) sizes.push(await runSize(label, dist, work));
    const peerInfo = PEER_SIZES.length > 0 ? ensurePeer(log) : null;
    const keeperInfo = PEER_SIZES.length > 0 ? ensureKeeper(log) : null;
    const peers: PeerResult[] = [];
    for (const label of PEER_SIZES) peers.push(await runPeer(label, dist, work, peerInfo!, keeperInfo!));
    log(`SDK client listTools() on ${COLD_STARTS} fresh client(s)`);
    const list_tools = await listToolsFigures(COLD_STARTS, work);
    const http = await httpFigures(log);
    const install = INSTALL ? installFigures(log) : null;
    if (!INSTALL) log('installed size skipped (BENCH_INSTALL=0)');
    const worst = process.env.BENCH_WORST === '0' ? [] : await worstCaseBench();
    const date = new Date().toISOString();
    const report: Report = {
      meta: {
        date,
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model ?? 'unknown',
        memory_gb: Math.round(totalmem() / 2 ** 30),
        transport: 'stdio (SDK StdioClientTransport + Client; no client-side output validation)',
        peer: peerInfo && `@modelcontextprotocol/server-memory ${peerInfo.version}`,
        keeper: keeperInfo && `${KEEPER} ${keeperInfo.version}`,
        server_root: SERVER_ROOT,
        cache: CACHE,
        server_node_args: SERVER_NODE_ARGS,
        total_s: 0,
        load_average_1m: { before: round1(loadBefore), after: round1(loadavg()[0]!) },
      },
      sizes,
      peers,
      worst,
      install,
      list_tools,
      http,
      load: readLoadFigure(),
    };
    report.meta.total_s = Math.round((performance.now() - started) / 1000);
    report.goals = goals(report, baseline?.report ?? null);
    printReport(report);
    if (worst.length > 0) printWorstTable(worst);
    printGoals(report.goals, baseline);
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, `bench-${date.replace(/[:.]/g, '-')}.json`);
    const json = `${JSON.stringify(report, null, 2)}\n`;
    writeFileSync(file, json);
    writeFileSync(join(RESULTS, 'latest.json'), json);
    console.log(`\nwritten: ${file} (and bench/results/latest.json)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
