/**
 * The verdict of `npm run conformance`: each scenario's outcome against the checked-in
 * baseline (test/conformance/baseline.json), and the table that shows it.
 *
 * A scenario not in the baseline must pass cleanly. The baseline lists only what this server
 * cannot pass by design, each with its kind and a one-line reason, and the scenarios that pass
 * without testing anything of ours (so that nobody quotes them as evidence). Anything else is
 * a problem: a new failure, or a baseline entry that no longer matches (a fixed "fail" is
 * stale and must be removed, so the baseline never hides a regression later).
 */
import { readFileSync } from 'node:fs';
import type { ScenarioResult } from './suite.js';

/** What a scenario's checks add up to: the suite counts WARNING as not passing when it compares a baseline, so do we. */
export type Outcome = 'pass' | 'warning' | 'fail';

export type Kind =
  /** Needs a tool, resource or prompt of the suite's reference server (test_simple_text, test://static-text, …). */
  | 'fixture'
  /** Needs an optional capability this server does not declare. */
  | 'not-offered'
  /** Needs MCP sessions or SSE streams; `serve --http` is stateless JSON by design (docs/http.md). */
  | 'stateless'
  /** Passes, but only because the suite checks too little: says nothing about this server. */
  | 'vacuous';

export interface BaselineEntry {
  expect: Outcome;
  kind: Kind;
  why: string;
}

export type Baseline = Record<string, BaselineEntry>;

const OUTCOMES: readonly Outcome[] = ['pass', 'warning', 'fail'];
const KINDS: readonly Kind[] = ['fixture', 'not-offered', 'stateless', 'vacuous'];

export function loadBaseline(path: string): Baseline {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { scenarios?: Record<string, Partial<BaselineEntry>> };
  const baseline: Baseline = {};
  for (const [scenario, entry] of Object.entries(raw.scenarios ?? {})) {
    if (!OUTCOMES.includes(entry.expect!) || !KINDS.includes(entry.kind!) || !entry.why?.trim()) {
      throw new Error(
        `${path}: "${scenario}" needs expect (${OUTCOMES.join('|')}), kind (${KINDS.join('|')}) and a one-line why`,
      );
    }
    // Only a vacuous pass is listed as a pass; every other kind is listed because it cannot pass.
    if ((entry.kind === 'vacuous') !== (entry.expect === 'pass')) {
      throw new Error(`${path}: "${scenario}": kind "vacuous" goes with expect "pass", and only it`);
    }
    baseline[scenario] = entry as BaselineEntry;
  }
  return baseline;
}

export function outcomeOf(result: ScenarioResult): Outcome {
  const statuses = (result.checks ?? []).map((c) => c.status);
  if (result.checks === undefined || result.checks.length === 0 || statuses.includes('FAILURE')) return 'fail';
  return statuses.includes('WARNING') ? 'warning' : 'pass';
}

/** The first failure's (else warning's) message: what a reader needs to start looking. */
function firstProblem(result: ScenarioResult): string {
  if (result.checks === undefined) return 'no checks.json: the scenario crashed inside the suite (its output is above)';
  if (result.checks.length === 0) return 'the scenario recorded no checks';
  const bad = result.checks.find((c) => c.status === 'FAILURE') ?? result.checks.find((c) => c.status === 'WARNING');
  if (bad === undefined) return '';
  const detail = typeof bad.details?.message === 'string' ? bad.details.message : undefined;
  return `${bad.name}: ${bad.errorMessage ?? detail ?? bad.description}`;
}

export interface Row {
  scenario: string;
  result: Outcome;
  expected: Outcome;
  /** The baseline's kind and reason, or what went wrong. */
  note: string;
  ok: boolean;
}

export interface Verdict {
  rows: Row[];
  /** One line per thing to fix; empty when the run matches the baseline. */
  problems: string[];
}

export function compare(results: ScenarioResult[], baseline: Baseline, baselinePath: string): Verdict {
  const rows: Row[] = [];
  const problems: string[] = [];
  for (const result of results) {
    const entry = baseline[result.scenario];
    const outcome = outcomeOf(result);
    const expected = entry?.expect ?? 'pass';
    const ok = outcome === expected;
    let note = entry === undefined ? '' : `${entry.kind}: ${entry.why}`;
    if (!ok) {
      if (entry !== undefined && outcome === 'pass') {
        note = `STALE baseline entry: it passes now, remove "${result.scenario}" from ${baselinePath}`;
      } else {
        note = `UNEXPECTED ${outcome}: ${firstProblem(result)}`;
      }
      problems.push(`${result.scenario}: ${note}`);
    }
    rows.push({ scenario: result.scenario, result: outcome, expected, note, ok });
  }
  const known = new Set(results.map((r) => r.scenario));
  for (const scenario of Object.keys(baseline).filter((s) => !known.has(s))) {
    problems.push(`${scenario}: in ${baselinePath} but not a scenario of this suite version: remove it`);
  }
  return { rows, problems };
}

/** A Markdown table, columns padded so it reads as well in a terminal as pasted into an issue. */
export function renderTable(rows: Row[]): string {
  const cells = rows.map((r) => [r.scenario, r.ok ? r.result : `${r.result.toUpperCase()} ✗`, r.expected, r.note]);
  const header = ['scenario', 'result', 'expected', 'why (baseline kind: reason)'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function summarize(rows: Row[]): string {
  const count = (pred: (r: Row) => boolean) => rows.filter(pred).length;
  return (
    `${rows.length} scenarios: ${count((r) => r.result === 'pass')} pass ` +
    `(${count((r) => r.result === 'pass' && r.note.startsWith('vacuous'))} of them vacuously), ` +
    `${count((r) => r.ok && r.expected !== 'pass')} fail or warn as the baseline expects, ` +
    `${count((r) => !r.ok)} do not match it`
  );
}
