/**
 * The goals table (issue 11): every goal with its figure from a baseline report ("before",
 * BENCH_BASELINE, written by the same bench against an earlier build) and from this run
 * ("after"), and PASS/MISS for this run. Every row is printed, met or not; a figure this run
 * did not measure reads "—" (or says what would measure it) and gets no verdict.
 */
import { readFileSync } from 'node:fs';
import type { GoalRow, OpRow, Report, SizeResult } from './report.js';
import { table } from './stats.js';

interface Reading {
  text: string;
  /** null: measured, but not under the conditions the goal names (e.g. not at 1M). */
  pass: boolean | null;
}

interface Goal {
  figure: string;
  goal: string;
  read(r: Report): Reading | null;
}

const MILLION = 1_000_000;
const x2 = (v: number) => `${v.toFixed(2)}×`;

/** The op's ratio to its limit at every size; the worst (largest) is the reading. */
function ratioGoal(figure: string, match: (o: OpRow) => boolean, max: number): Goal {
  return {
    figure,
    goal: `≤ ${max}×`,
    read: (r) => {
      let w: { size: string; ratio: number } | null = null;
      for (const s of r.sizes) {
        const ratio = s.ops.find(match)?.ratio;
        if (ratio !== null && ratio !== undefined && (!w || ratio > w.ratio)) w = { size: s.label, ratio };
      }
      return w && { text: `${x2(w.ratio)} (worst, at ${w.size})`, pass: w.ratio <= max };
    },
  };
}

const largest = (r: Report): SizeResult | undefined => r.sizes.at(-1);
/** A goal stated at 1M: measured at a smaller size it is shown, but not judged. */
const atMillion = (s: SizeResult, pass: boolean): boolean | null => (s.seed.messages >= MILLION ? pass : null);
const sizeNote = (s: SizeResult) => (s.seed.messages >= MILLION ? `at ${s.label}` : `at ${s.label}; goal is at 1M`);

function keeperGoal(figure: string, key: 'append' | 'get'): Goal {
  return {
    figure,
    goal: '≤ 0.8× (faster)',
    read: (r) => {
      const w = r.peers
        .filter((p) => p.ours_over_keeper)
        .map((p) => ({ label: p.label, v: p.ours_over_keeper![key] }))
        .sort((a, b) => b.v - a.v)[0];
      return w ? { text: `${x2(w.v)} (worst, at ${w.label} items)`, pass: w.v <= 0.8 } : null;
    },
  };
}

function scalingGoals(labels: readonly string[]): Goal[] {
  return labels.map((op) => ({
    figure: `scaling: ${op} p50, largest / smallest size`,
    goal: '≤ 1.2',
    read: (r) => {
      const small = r.sizes[0]?.ops.find((o) => o.op === op);
      const large = r.sizes.length > 1 ? r.sizes.at(-1)!.ops.find((o) => o.op === op) : undefined;
      if (!small || !large) return null;
      const k = large.p50_us / small.p50_us;
      return { text: `${k.toFixed(2)} (${r.sizes.at(-1)!.label}/${r.sizes[0]!.label})`, pass: k <= 1.2 };
    },
  }));
}

const GOALS: Goal[] = [
  ratioGoal(
    'append_messages(1) p50 / (ping + raw)',
    (o) => o.tool === 'append_messages' && o.writes_per_call === 1,
    1.5,
  ),
  ratioGoal('get_history(50) p50 / (ping + raw)', (o) => o.tool === 'get_history', 1.5),
  ratioGoal('get_context(4000) p50 / (ping + raw)', (o) => o.tool === 'get_context', 2),
  keeperGoal('vs mcp-memory-keeper: our append(1) / its context_save, p50', 'append'),
  keeperGoal('vs mcp-memory-keeper: our get_history(1) / its context_get, p50', 'get'),
  {
    figure: 'search (rare word) p50 at 1M; 1M / 1k',
    goal: '≤ 5 ms; ≤ 1.5',
    read: (r) => {
      const s = largest(r);
      const o = s?.ops.find((x) => x.tool === 'search_messages');
      if (!s || !o) return null;
      const small = r.sizes.length > 1 ? r.sizes[0]!.ops.find((x) => x.tool === 'search_messages') : undefined;
      const k = small ? o.p50_us / small.p50_us : null;
      const ms = o.p50_us / 1000;
      const ratio = k === null ? 'no second size' : `${s.label}/${r.sizes[0]!.label} ${k.toFixed(2)}`;
      return {
        text: `${ms.toFixed(1)} ms (${sizeNote(s)}); ${ratio}`,
        pass: k === null ? null : atMillion(s, ms <= 5 && k <= 1.5),
      };
    },
  },
  {
    figure: 'ingest: append(100) sequential, search index kept',
    goal: '≥ 50,000 msg/s',
    read: (r) => {
      const w = r.sizes
        .flatMap((s) =>
          s.ops.filter((o) => o.writes_per_call === 100).map((o) => ({ s: s.label, v: o.messages_per_s! })),
        )
        .sort((a, b) => a.v - b.v)[0];
      return w ? { text: `${w.v.toLocaleString('en-US')} msg/s (worst, at ${w.s})`, pass: w.v >= 50_000 } : null;
    },
  },
  {
    figure: 'cold start: spawn → tools/list, 1M file (median)',
    goal: '≤ 300 ms',
    read: (r) => {
      const s = largest(r);
      return s
        ? { text: `${s.cold_start.median_ms} ms (${sizeNote(s)})`, pass: atMillion(s, s.cold_start.median_ms <= 300) }
        : null;
    },
  },
  {
    figure: 'idle RSS after tools/list (cold start)',
    goal: '≤ 80 MB',
    read: (r) => {
      const w = [...r.sizes].sort((a, b) => b.cold_start.idle_rss_mb - a.cold_start.idle_rss_mb)[0];
      return w
        ? { text: `${w.cold_start.idle_rss_mb} MB (worst, at ${w.label})`, pass: w.cold_start.idle_rss_mb <= 80 }
        : null;
    },
  },
  {
    figure: 'installed size: npm install of the packed tarball',
    goal: '≤ 120 MB',
    read: (r) => {
      const i = r.install;
      if (!i) return null;
      const top = i.top
        .slice(0, 3)
        .map((t) => `${t.name} ${Math.round(t.mb)}`)
        .join(', ');
      return {
        text: `${Math.round(i.node_modules_mb)} MB (${top}), ${Math.round(i.install_s)} s`,
        pass: i.node_modules_mb <= 120,
      };
    },
  },
  {
    figure: 'HTTP: tools/list / ping, plain POST, p50',
    goal: '≤ 1.2×',
    read: (r) => {
      const h = r.http?.sqlite;
      return h ? { text: x2(h.tools_list_over_ping), pass: h.tools_list_over_ping <= 1.2 } : null;
    },
  },
  {
    // Judged on the first call: an agent lists the tools once per connection, on a fresh client.
    figure: 'SDK client listTools(), first call on a fresh client (ms)',
    goal: '≤ 5 ms',
    read: (r) => {
      const l = r.list_tools;
      return l
        ? {
            text: `${l.first_median_ms} ms (later calls ${l.later_p50_ms}; plain request ${l.plain_first_median_ms} / ${l.plain_later_p50_ms})`,
            pass: l.first_median_ms <= 5,
          }
        : null;
    },
  },
  {
    figure: 'PostgreSQL: append over HTTP / (HTTP ping + raw pg insert)',
    goal: '≤ 1.5×',
    read: (r) => {
      const p = r.http?.postgresql;
      if (p) return { text: x2(p.ratio), pass: p.ratio <= 1.5 };
      return r.http ? { text: 'not measured (no PostgreSQL URL)', pass: null } : null;
    },
  },
  {
    figure: 'one HTTP instance, 32 agents: appends/s ÷ pings/s',
    goal: '≥ 0.8',
    read: (r) =>
      r.load
        ? {
            text: `${r.load.ratio.toFixed(2)} (${r.load.appends_per_s}/${r.load.pings_per_s}, bench:load)`,
            pass: r.load.ratio >= 0.8,
          }
        : { text: 'see npm run bench:load', pass: null },
  },
];

export function goals(after: Report, before: Report | null): GoalRow[] {
  const ops = after.sizes[0]?.ops.map((o) => o.op) ?? [];
  return [...GOALS, ...(after.sizes.length > 1 ? scalingGoals(ops) : [])].map((g) => {
    const now = g.read(after);
    const was = before && g.read(before);
    const verdict = now?.pass === true ? 'PASS' : now?.pass === false ? 'MISS' : 'n/a';
    return { figure: g.figure, before: was?.text ?? '—', after: now?.text ?? '—', goal: g.goal, verdict };
  });
}

/** A report written earlier by this bench (BENCH_BASELINE). */
export function readBaseline(path: string): Report {
  const r = JSON.parse(readFileSync(path, 'utf8')) as Report;
  if (!Array.isArray(r.sizes) || !r.meta) throw new Error(`BENCH_BASELINE: ${path} is not a report of npm run bench`);
  return r;
}

export function printGoals(rows: readonly GoalRow[], baseline: { path: string; report: Report } | null): void {
  const b = baseline?.report.meta;
  console.log(
    `\n== goals (issue 11): before = ${baseline ? `${baseline.path} (${b!.date}, server ${b!.server_root ?? 'this repository'})` : '— (set BENCH_BASELINE=<report JSON>)'}; after = this run`,
  );
  console.log(
    table(
      ['figure', 'before', 'after', 'goal', ''],
      rows.map((g) => [g.figure, g.before, g.after, g.goal, g.verdict]),
      5,
    ),
  );
}
