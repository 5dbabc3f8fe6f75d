/** Types of the JSON report and its printed tables (the goals table with PASS/MISS: goals.ts). */
import { COMPONENTS, type CpuBreakdown } from './cpuprofile.js';
import type { InstallFigures } from './installsize.js';
import type { ListToolsFigures } from './listtools.js';
import type { LoadFigure } from './loadfigure.js';
import type { HttpFigures } from './overhttp.js';
import type { Breakdown } from './profile.js';
import type { SeedInfo } from './seed.js';
import type { StartupStep } from './startup.js';
import { type Timing, table } from './stats.js';
import type { CaseResult } from './worst/harness.js';

export interface OpRow extends Timing {
  op: string;
  tool: string;
  writes_per_call: number;
  server_cpu_us: number | null;
  messages_per_s: number | null;
  raw_p50_us: number | null;
  raw_ops_per_s: number | null;
  /** Raw writes with the triggers on messages/tool_calls (search index upkeep) dropped. */
  raw_without_triggers_p50_us: number | null;
  limit_us: number | null;
  ratio: number | null;
}

export interface SizeResult {
  label: string;
  seed: SeedInfo & { cached: boolean };
  tools_listed: string[];
  floor_ping: Timing;
  ops: OpRow[];
  rss_mb: { idle: number; end: number };
  cold_start: { trials_ms: number[]; median_ms: number; idle_rss_mb: number };
  startup: StartupStep[];
  breakdown: Record<string, Breakdown> | null;
  cpu_profile: Record<string, CpuBreakdown> | null;
}

export interface PeerResult {
  label: string;
  items: number;
  ours: {
    idle_rss_mb: number;
    append_1: Timing;
    create_conversation: Timing;
    /** Absent in reports written before the keeper peer was added. */
    get_history_1?: Timing;
  };
  peer: { idle_rss_mb: number; seed_ms: number; add_observations: Timing; create_entities: Timing };
  peer_over_ours: { append: number; create: number };
  /** mcp-memory-keeper (keeper.ts); absent in older reports. */
  keeper?: {
    idle_rss_mb: number;
    seed_ms: number;
    context_save: Timing;
    context_get: Timing;
  };
  /** Our p50 ÷ the keeper's: below 1 we are faster. */
  ours_over_keeper?: { append: number; get: number };
}

/** One line of the goals table (goals.ts). */
export interface GoalRow {
  figure: string;
  before: string;
  after: string;
  goal: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
}

export interface Report {
  meta: Record<string, unknown> & { total_s: number; server_root?: string };
  sizes: SizeResult[];
  peers: PeerResult[];
  /** The worst legal request of every tool (bench/worst.ts); empty with BENCH_WORST=0. */
  worst: CaseResult[];
  /** `npm pack` + `npm install` of the tarball (installsize.ts); null with BENCH_INSTALL=0. */
  install?: InstallFigures | null;
  /** A fresh SDK client's listTools() (listtools.ts). */
  list_tools?: ListToolsFigures;
  /** Plain-POST tools/list vs ping, PostgreSQL append vs its limit (overhttp.ts). */
  http?: HttpFigures;
  /** bench:load's goal figure, from bench/results/load-latest.json of the same server root. */
  load?: LoadFigure | null;
  /** The goals table as printed (goals.ts), with the baseline's figures beside ours. */
  goals?: GoalRow[];
}

const fmt = (x: number | null | undefined, digits = 0) => (x === null || x === undefined ? '—' : x.toFixed(digits));

export function printReport(r: Report): void {
  const m = r.meta;
  console.log(`chat-history-mcp bench: node ${m.node}, ${m.cpus} x ${m.cpu_model}, ${m.memory_gb} GB; ${m.transport}`);
  const load = m.load_average_1m as { before: number; after: number };
  console.log(
    `load average (1 min) before ${load.before} (includes the build just before), after ${load.after}${load.before > (m.cpus as number) ? ' — machine busy: figures inflated' : ''}`,
  );
  console.log(
    'ratio = p50 / (floor p50 + raw p50); floor = client.ping() over the same stdio client; raw = same rows, better-sqlite3 prepared statements in-process\n',
  );
  for (const s of r.sizes) {
    const seed = s.seed;
    console.log(
      `== ${s.label}: ${seed.messages.toLocaleString('en-US')} messages, ${seed.conversations.toLocaleString('en-US')} conversations, ` +
        `${seed.tool_calls.toLocaleString('en-US')} tool calls, ${(seed.file_bytes / 2 ** 20).toFixed(0)} MB; ` +
        `seeded in ${(seed.seed_ms / 1000).toFixed(1)} s${seed.cached ? ' (cached)' : ''}`,
    );
    const rows: (string | number)[][] = [
      [
        'ping (floor)',
        s.floor_ping.n,
        fmt(s.floor_ping.p50_us),
        fmt(s.floor_ping.p99_us),
        s.floor_ping.ops_per_s,
        '',
        '',
        '',
        '',
      ],
    ];
    for (const o of s.ops) {
      rows.push([
        o.op,
        o.n,
        fmt(o.p50_us),
        fmt(o.p99_us),
        o.ops_per_s,
        fmt(o.messages_per_s),
        fmt(o.server_cpu_us),
        fmt(o.raw_p50_us),
        fmt(o.limit_us),
        o.ratio === null ? '—' : `${o.ratio.toFixed(2)}x`,
      ]);
    }
    console.log(
      table(['op', 'n', 'p50 µs', 'p99 µs', 'ops/s', 'msg/s', 'srv cpu µs', 'raw p50 µs', 'limit µs', 'ratio'], rows),
    );
    const unindexed = s.ops.filter((o) => o.raw_without_triggers_p50_us !== null);
    if (unindexed.length > 0) {
      console.log(
        `raw writes without the messages/tool_calls triggers (search index upkeep): ` +
          unindexed.map((o) => `${o.op} ${fmt(o.raw_without_triggers_p50_us)} µs (vs ${fmt(o.raw_p50_us)})`).join('; '),
      );
    }
    console.log(
      `RSS: idle ${s.rss_mb.idle} MB, end of run ${s.rss_mb.end} MB; cold start median ${s.cold_start.median_ms} ms ` +
        `(${s.cold_start.trials_ms.join(', ')}), idle RSS after cold start ${s.cold_start.idle_rss_mb} MB\n`,
    );
    if (s.breakdown) printBreakdown(s);
    if (s.cpu_profile) printCpu(s);
    printStartup(s);
  }
  if (r.sizes.length > 1) {
    const ops = r.sizes[0]!.ops.map((o) => o.op);
    const rows = ops.map((op) => [
      op,
      ...r.sizes.map((s) => fmt(s.ops.find((o) => o.op === op)?.p50_us)),
      (() => {
        const a = r.sizes[0]!.ops.find((o) => o.op === op)?.p50_us;
        const b = r.sizes.at(-1)!.ops.find((o) => o.op === op)?.p50_us;
        return a && b ? (b / a).toFixed(2) : '—';
      })(),
    ]);
    console.log('== scaling (p50 µs)');
    console.log(table(['op', ...r.sizes.map((s) => s.label), `${r.sizes.at(-1)!.label}/${r.sizes[0]!.label}`], rows));
    console.log();
  }
  if (r.peers.length > 0) {
    console.log(`== peer: ${m.peer} (JSONL file), same SDK client over stdio`);
    const rows = r.peers.flatMap((p) => [
      [
        `${p.label} items: append 1 message / add 1 observation`,
        fmt(p.ours.append_1.p50_us),
        fmt(p.peer.add_observations.p50_us),
        `${p.peer_over_ours.append}x`,
      ],
      [
        `${p.label} items: create conversation / entity`,
        fmt(p.ours.create_conversation.p50_us),
        fmt(p.peer.create_entities.p50_us),
        `${p.peer_over_ours.create}x`,
      ],
    ]);
    console.log(table(['operation', 'ours p50 µs', 'peer p50 µs', 'peer/ours'], rows));
    console.log(
      `idle RSS after start + tools/list: ours ${r.peers.map((p) => p.ours.idle_rss_mb).join(' / ')} MB, peer ${r.peers.map((p) => p.peer.idle_rss_mb).join(' / ')} MB`,
    );
    console.log();
    printKeeper(r);
  }
  printExtras(r);
  console.log(`\ntotal run time ${m.total_s} s`);
}

function printKeeper(r: Report): void {
  const peers = r.peers.filter((p) => p.keeper && p.ours.get_history_1 && p.ours_over_keeper);
  if (peers.length === 0) return;
  console.log(`== peer: ${r.meta.keeper} (SQLite via better-sqlite3), same SDK client over stdio`);
  const rows = peers.flatMap((p) => [
    [
      `${p.label} items: append 1 message / context_save`,
      fmt(p.ours.append_1.p50_us),
      fmt(p.keeper!.context_save.p50_us),
      `${p.ours_over_keeper!.append.toFixed(2)}x`,
    ],
    [
      `${p.label} items: get_history(1) / context_get (one key)`,
      fmt(p.ours.get_history_1!.p50_us),
      fmt(p.keeper!.context_get.p50_us),
      `${p.ours_over_keeper!.get.toFixed(2)}x`,
    ],
  ]);
  console.log(table(['operation', 'ours p50 µs', 'keeper p50 µs', 'ours/keeper'], rows));
  console.log(
    `(ours/keeper < 1: we are faster) idle RSS after start + tools/list: keeper ${peers.map((p) => p.keeper!.idle_rss_mb).join(' / ')} MB; ` +
      `seeded in ${peers.map((p) => `${p.keeper!.seed_ms} ms`).join(' / ')} (context_batch_save, 100 per call)\n`,
  );
}

/** Install size, the SDK client's listTools, and the HTTP figures (each when measured). */
function printExtras(r: Report): void {
  if (r.install) {
    const i = r.install;
    console.log(
      `== installed size: npm pack (${i.tarball_kb} KB) + npm install of the tarball into an empty folder: ` +
        `${i.node_modules_mb} MB in node_modules (${i.packages} packages), ${i.install_s} s`,
    );
    console.log(
      table(
        ['package', 'MB'],
        i.top.map((t) => [t.name, t.mb.toFixed(1)]),
      ),
    );
    console.log();
  }
  if (r.list_tools) {
    const l = r.list_tools;
    console.log(
      `== SDK client listTools() (${l.tools} tools) over stdio, ${l.clients} fresh client(s): first call ${l.first_median_ms} ms median ` +
        `(${l.first_ms.join(', ')}), later calls ${l.later_p50_ms} ms p50. Plain tools/list request: first call ` +
        `${l.plain_first_median_ms} ms median, later ${l.plain_later_p50_ms} ms p50 (the difference: output-schema ` +
        'validators compiled on the client)\n',
    );
  }
  if (r.http) {
    const h = r.http.sqlite;
    console.log('== Streamable HTTP (one serve --http instance, bearer token)');
    const rows: (string | number)[][] = [
      ['SQLite: ping, plain POST', fmt(h.ping_post.p50_us), fmt(h.ping_post.p99_us), ''],
      [
        'SQLite: tools/list, plain POST',
        fmt(h.tools_list_post.p50_us),
        fmt(h.tools_list_post.p99_us),
        `${h.tools_list_over_ping.toFixed(2)}x ping`,
      ],
    ];
    const pg = r.http.postgresql;
    if (pg) {
      rows.push(
        ['PostgreSQL: ping, SDK client', fmt(pg.ping.p50_us), fmt(pg.ping.p99_us), ''],
        ['PostgreSQL: raw insert of the same row (pg)', fmt(pg.raw_insert.p50_us), fmt(pg.raw_insert.p99_us), ''],
        [
          'PostgreSQL: append_messages(1), SDK client',
          fmt(pg.append_1.p50_us),
          fmt(pg.append_1.p99_us),
          `${pg.ratio.toFixed(2)}x (ping + raw)`,
        ],
      );
    }
    console.log(table(['operation', 'p50 µs', 'p99 µs', 'ratio'], rows));
    if (!pg) console.log('(PostgreSQL not measured: set BENCH_POSTGRES_URL or CHAT_HISTORY_TEST_POSTGRES_URL)');
    console.log();
  }
}

function printBreakdown(s: SizeResult): void {
  console.log(`-- statements and in-process time per call at ${s.label} (p50 µs)`);
  const rows = s.ops.map((o) => {
    const b = s.breakdown![o.op];
    if (!b) return [o.op, '—', '', '', '', '', '', ''];
    return [
      o.op,
      fmt(b.statements_per_call, 1),
      fmt(b.prepare_us),
      fmt(b.sqlite_us),
      fmt(b.domain_us),
      fmt(b.mcp_inmemory_us),
      fmt(o.p50_us),
      b.statements.join('; '),
    ];
  });
  console.log(
    table(['op', 'stmts', 'prepare', 'sqlite', 'domain', 'mcp in-mem', 'stdio', 'statements of one call'], rows),
  );
  console.log(
    '(stmts: statements run per call; prepare/sqlite: time inside better-sqlite3, compiling / compiling + running, of them — the\n' +
      ' adapter compiles every statement anew unless the connection keeps them (statement-cache.ts); domain: the history operation called directly; mcp in-mem: the tool through the SDK over an in-memory\n' +
      ' transport; stdio: the p50 from the table above)\n',
  );
}

function printCpu(s: SizeResult): void {
  const cpu = s.cpu_profile!;
  const used = COMPONENTS.filter((c) => Object.values(cpu).some((b) => (b.us_per_call[c] ?? 0) >= 1));
  console.log(
    `-- server CPU per call by component at ${s.label} (µs): the unprofiled server CPU per call (srv cpu µs above) split by ` +
      `the shares V8's sampling profiler saw in a separate profiled session per operation`,
  );
  const short = (c: string) => c.replace(/ \(.*\)$/, '');
  const rows = Object.entries(cpu).map(([op, b]) => {
    const total = s.ops.find((o) => o.op === op)?.server_cpu_us ?? b.cpu_us_per_call;
    const part = (c: (typeof COMPONENTS)[number]) => ((b.us_per_call[c] ?? 0) / Math.max(1, b.cpu_us_per_call)) * total;
    return [op, fmt(total), ...used.map((c) => fmt(part(c))), `${Math.round(b.idle_share * 100)}%`];
  });
  console.log(table(['op', 'cpu µs', ...used.map(short), 'idle'], rows));
  console.log(`(components: ${used.join(', ')}; idle = profiled server's main thread waiting for the next request)\n`);
}

function printStartup(s: SizeResult): void {
  console.log(`-- start-up and memory, step by step (fresh node process, ${s.label} database)`);
  let prev = 0;
  let prevRss = 0;
  const rows = s.startup.map((st) => {
    const row = [st.step, fmt(st.at_ms, 1), fmt(st.at_ms - prev, 1), fmt(st.rss_mb, 1), fmt(st.rss_mb - prevRss, 1)];
    prev = st.at_ms;
    prevRss = st.rss_mb;
    return row;
  });
  console.log(table(['step', 'at ms', '+ms', 'RSS MB', '+MB'], rows));
  console.log();
}
