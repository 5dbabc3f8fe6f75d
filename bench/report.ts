/** Types of the JSON report, the printed tables, and the targets with PASS/MISS. */
import { COMPONENTS, type CpuBreakdown } from './cpuprofile.js';
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
  ours: { idle_rss_mb: number; append_1: Timing; create_conversation: Timing };
  peer: { idle_rss_mb: number; seed_ms: number; add_observations: Timing; create_entities: Timing };
  peer_over_ours: { append: number; create: number };
}

export interface Target {
  name: string;
  goal: string;
  actual: string;
  pass: boolean | null;
}

export interface Report {
  meta: Record<string, unknown> & { total_s: number };
  sizes: SizeResult[];
  peers: PeerResult[];
  targets?: Target[];
  /** The worst legal request of every tool (bench/worst.ts); empty with BENCH_WORST=0. */
  worst: CaseResult[];
}

const fmt = (x: number | null | undefined, digits = 0) => (x === null || x === undefined ? '—' : x.toFixed(digits));

function worst(sizes: SizeResult[], op: string): { size: string; ratio: number } | null {
  let w: { size: string; ratio: number } | null = null;
  for (const s of sizes) {
    const r = s.ops.find((o) => o.tool === op && (op !== 'append_messages' || o.op.endsWith('(1)')))?.ratio;
    if (r !== null && r !== undefined && (!w || r > w.ratio)) w = { size: s.label, ratio: r };
  }
  return w;
}

export function targets(r: Report): Target[] {
  const out: Target[] = [];
  const ratioTarget = (name: string, tool: string) => {
    const w = worst(r.sizes, tool);
    out.push({
      name,
      goal: '<= 1.5x limit',
      actual: w ? `${w.ratio.toFixed(2)}x (worst, at ${w.size})` : 'not measured',
      pass: w ? w.ratio <= 1.5 : null,
    });
  };
  ratioTarget('append(1) p50 vs its limit', 'append_messages');
  ratioTarget('get_history(50) p50 vs its limit', 'get_history');

  const small = r.sizes[0];
  const large = r.sizes.at(-1);
  if (small && large && small !== large) {
    for (const o of large.ops) {
      const base = small.ops.find((x) => x.op === o.op);
      if (!base) continue;
      const k = o.p50_us / base.p50_us;
      out.push({
        name: `scaling ${o.op}`,
        goal: `p50 ${large.label}/${small.label} <= 1.2`,
        actual: k.toFixed(2),
        pass: k <= 1.2,
      });
    }
  } else {
    out.push({ name: 'scaling', goal: 'p50 at largest / smallest <= 1.2', actual: 'needs two sizes', pass: null });
  }

  const ingest = r.sizes.flatMap((s) =>
    s.ops.filter((o) => o.writes_per_call === 100).map((o) => ({ size: s.label, v: o.messages_per_s! })),
  );
  const slowest = ingest.sort((a, b) => a.v - b.v)[0];
  out.push({
    name: 'batch ingest (append 100, sequential)',
    goal: '>= 50,000 messages/s',
    actual: slowest ? `${slowest.v.toLocaleString('en-US')} msg/s (worst, at ${slowest.size})` : 'not measured',
    pass: slowest ? slowest.v >= 50_000 : null,
  });
  if (large) {
    out.push({
      name: `cold start (spawn -> tools/list), ${large.label}`,
      goal: '<= 300 ms',
      actual: `${large.cold_start.median_ms} ms median`,
      pass: large.cold_start.median_ms <= 300,
    });
    out.push({
      name: `idle RSS after start + tools/list, ${large.label}`,
      goal: '<= 80 MB',
      actual: `${large.cold_start.idle_rss_mb} MB`,
      pass: large.cold_start.idle_rss_mb <= 80,
    });
  }
  return out;
}

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
  }
  r.targets = targets(r);
  console.log('== targets');
  console.log(
    table(
      ['target', 'goal', 'actual', ''],
      r.targets.map((t) => [t.name, t.goal, t.actual, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS']),
    ),
  );
  console.log(`\ntotal run time ${m.total_s} s`);
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
    '(prepare/sqlite: time inside better-sqlite3, compiling / compiling + running, of the statements one call sends — Prisma prepares\n' +
      ' every statement anew; domain: the history operation called directly; mcp in-mem: the tool through the SDK over an in-memory\n' +
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
