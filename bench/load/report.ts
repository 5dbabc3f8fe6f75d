/** The load bench's JSON (results/load-*.json) and tables, with "before" columns from a baseline JSON. */
import { readFileSync } from 'node:fs';
import { table } from '../stats.js';
import { OPS } from './agent.js';
import type { ConfigName } from './options.js';
import type { PhaseResult } from './phase.js';

export const PHASES = ['ping', 'append', 'session'] as const;
export type PhaseName = (typeof PHASES)[number];

export interface RunResult {
  config: ConfigName;
  agents: number;
  instances: number;
  /** 1-minute load average when this run started: figures from a busy machine say so. */
  loadavg: number;
  phases: Record<PhaseName, PhaseResult>;
  /** append phase appends/s ÷ ping phase pings/s (the goal ratio). */
  ratio_append_only: number;
  /** session phase appends/s ÷ pings/s. */
  ratio_session_appends: number;
  /** session phase requests/s ÷ pings/s. */
  ratio_session_requests: number;
}

export interface LoadReport {
  version: 1;
  date: string;
  client: string;
  server_root: string;
  seconds: number;
  warmup_seconds: number;
  owners: number;
  session_turns: number;
  machine: { cpus: number; node: string; loadavg_start: number[]; loadavg_end: number[] };
  results: RunResult[];
}

const GOAL = { config: 'sqlite', agents: 32, ratio: 0.8 } as const;

export function ratio(a: number, b: number): number {
  return b ? Math.round((a / b) * 100) / 100 : 0;
}

export function readBaseline(path: string): LoadReport {
  const report = JSON.parse(readFileSync(path, 'utf8')) as LoadReport;
  if (report.version !== 1 || !Array.isArray(report.results)) throw new Error(`${path} is not a bench:load JSON`);
  return report;
}

type Cell = string | number;

/** Columns of figures, each followed by its "before" column when there is a baseline. */
class Columns {
  constructor(private readonly withBefore: boolean) {}

  header(names: string[]): string[] {
    return names.flatMap((n) => (this.withBefore ? [n, 'before'] : [n]));
  }

  row(pairs: Array<[Cell, Cell | undefined]>): Cell[] {
    return pairs.flatMap(([now, before]) => (this.withBefore ? [now, before ?? '—'] : [now]));
  }
}

function findRun(baseline: LoadReport | undefined, r: RunResult): RunResult | undefined {
  return baseline?.results.find((b) => b.config === r.config && b.agents === r.agents);
}

export function render(report: LoadReport, baseline: LoadReport | undefined): string {
  const cols = new Columns(baseline !== undefined);
  const out: string[] = [];
  const runs = report.results;
  const before = (r: RunResult) => findRun(baseline, r);
  /** A row per run: its configuration and agents, then each figure beside its before. */
  const perRun = (figures: (r: RunResult, b: RunResult | undefined) => Parameters<Columns['row']>[0]) =>
    runs.map((r) => [r.config, r.agents, ...cols.row(figures(r, before(r)))]);
  out.push(
    `\nbench:load: ${report.client}; ${report.seconds} s measured per phase after ${report.warmup_seconds} s warm-up; ` +
      `${report.owners} owners (agent i acts for owner i mod ${report.owners}); postgresql-2 = 2 instances, agents pinned alternately`,
  );
  out.push(
    `server: ${report.server_root}; ${report.machine.cpus} cores, node ${report.machine.node}, load average at start ${report.machine.loadavg_start.join(' ')}`,
  );
  if (baseline)
    out.push(`before: ${baseline.server_root}, ${baseline.date} (${baseline.client}, ${baseline.seconds} s)`);

  out.push('\nThroughput per second; ratio = ÷ pings/s of the same instance(s) at the same concurrency\n');
  out.push(
    table(
      [
        'config',
        'agents',
        ...cols.header([
          'pings/s',
          'appends/s (append-only)',
          'ratio',
          'session req/s',
          'session appends/s',
          'ratio',
          'errors',
          'load avg',
        ]),
      ],
      perRun((r, b) => [
        [r.phases.ping.requests_per_s, b?.phases.ping.requests_per_s],
        [r.phases.append.appends_per_s, b?.phases.append.appends_per_s],
        [r.ratio_append_only.toFixed(2), b?.ratio_append_only.toFixed(2)],
        [r.phases.session.requests_per_s, b?.phases.session.requests_per_s],
        [r.phases.session.appends_per_s, b?.phases.session.appends_per_s],
        [r.ratio_session_appends.toFixed(2), b?.ratio_session_appends.toFixed(2)],
        [totalErrors(r), b && totalErrors(b)],
        [r.loadavg ?? '—', b && (b.loadavg ?? '—')],
      ]),
    ),
  );

  out.push('\nServer CPU per request, µs (all instances, measured window); client = this load generator\n');
  out.push(
    table(
      ['config', 'agents', ...cols.header(['ping', 'append-only', 'session', 'client: ping', 'client: session'])],
      perRun((r, b) => [
        [r.phases.ping.server_cpu_us_per_request, b?.phases.ping.server_cpu_us_per_request],
        [r.phases.append.server_cpu_us_per_request, b?.phases.append.server_cpu_us_per_request],
        [r.phases.session.server_cpu_us_per_request, b?.phases.session.server_cpu_us_per_request],
        [r.phases.ping.client_cpu_us_per_request, b?.phases.ping.client_cpu_us_per_request],
        [r.phases.session.client_cpu_us_per_request, b?.phases.session.client_cpu_us_per_request],
      ]),
    ),
  );

  for (const r of runs) {
    const b = before(r);
    out.push(`\n${r.config}, ${r.agents} agents: latency per operation, ms\n`);
    const rows: Cell[][] = [];
    for (const phase of PHASES) {
      const ops = Object.entries(r.phases[phase].ops).sort(([a], [b]) => order(a) - order(b));
      for (const [op, f] of ops) {
        const bf = b?.phases[phase]?.ops[op];
        rows.push([
          op,
          phase,
          f.n,
          ...cols.row([
            [f.p50_ms, bf?.p50_ms],
            [f.p99_ms, bf?.p99_ms],
          ]),
          f.errors,
        ]);
      }
    }
    out.push(table(['operation', 'phase', 'n', ...cols.header(['p50', 'p99']), 'errors'], rows));
  }

  out.push(`\n${goalLine(report, baseline)}`);
  const errors = runs.flatMap((r) =>
    PHASES.flatMap((p) => r.phases[p].error_messages.map((m) => `${r.config}, ${r.agents} agents, ${p}: ${m}`)),
  );
  if (errors.length) out.push(`\nERRORS (${runs.reduce((s, r) => s + totalErrors(r), 0)}):\n${errors.join('\n')}`);
  return `${out.join('\n')}\n`;
}

function order(op: string): number {
  const i = (OPS as readonly string[]).indexOf(op);
  return i < 0 ? OPS.length : i;
}

export function totalErrors(r: RunResult): number {
  return PHASES.reduce((sum, p) => sum + r.phases[p].errors, 0);
}

function goalLine(report: LoadReport, baseline: LoadReport | undefined): string {
  const label = `goal: one HTTP instance (${GOAL.config}), ${GOAL.agents} agents: appends/s ÷ pings/s ≥ ${GOAL.ratio} (append-only phase)`;
  const r = report.results.find((x) => x.config === GOAL.config && x.agents === GOAL.agents);
  if (!r) return `${label}: not measured (needs LOAD_CONFIGS with ${GOAL.config} and LOAD_AGENTS with ${GOAL.agents})`;
  const b = findRun(baseline, r);
  const was = b
    ? `, before ${b.ratio_append_only.toFixed(2)} (${b.phases.append.appends_per_s}/${b.phases.ping.requests_per_s})`
    : '';
  const verdict = r.ratio_append_only >= GOAL.ratio ? 'PASS' : 'MISS';
  return `${label}: ${r.ratio_append_only.toFixed(2)} (${r.phases.append.appends_per_s}/${r.phases.ping.requests_per_s})${was}  ${verdict}`;
}
