/** Timing loops and table printing shared by every part of the benchmark. */

export interface Plan {
  /** Timed iterations wanted. */
  n: number;
  /** Untimed iterations first (JIT, page cache, prepared statements). */
  warmup: number;
  /** Stop early once this much time was spent timing (at least `minN` iterations). */
  budgetMs: number;
}

export const FAST: Plan = { n: 1000, warmup: 100, budgetMs: 6000 };
export const SLOW: Plan = { n: 200, warmup: 20, budgetMs: 8000 };
const MIN_N = 30;

export interface Timing {
  /** Timed iterations (after `warmup` untimed ones). */
  n: number;
  warmup: number;
  p50_us: number;
  p99_us: number;
  ops_per_s: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function summarize(durationsMs: number[], totalMs: number, warmup: number): Timing {
  const sorted = durationsMs.sort((a, b) => a - b);
  return {
    n: sorted.length,
    warmup,
    p50_us: round1(percentile(sorted, 50) * 1000),
    p99_us: round1(percentile(sorted, 99) * 1000),
    ops_per_s: Math.round(sorted.length / (totalMs / 1000)),
  };
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Sequential calls of an async operation; `i` counts from 0 across warm-up and timed runs. */
export async function measure(plan: Plan, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < plan.warmup; i++) await fn(i);
  const durations: number[] = [];
  const start = performance.now();
  for (let i = 0; i < plan.n; i++) {
    const t0 = performance.now();
    await fn(plan.warmup + i);
    durations.push(performance.now() - t0);
    if (i + 1 >= MIN_N && performance.now() - start > plan.budgetMs) break;
  }
  return summarize(durations, performance.now() - start, plan.warmup);
}

/** Same for a synchronous operation (raw better-sqlite3 in this process). */
export function measureSync(plan: Plan, fn: (i: number) => unknown): Timing {
  for (let i = 0; i < plan.warmup; i++) fn(i);
  const durations: number[] = [];
  const start = performance.now();
  for (let i = 0; i < plan.n; i++) {
    const t0 = performance.now();
    fn(plan.warmup + i);
    durations.push(performance.now() - t0);
    if (i + 1 >= MIN_N && performance.now() - start > plan.budgetMs) break;
  }
  return summarize(durations, performance.now() - start, plan.warmup);
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Plain-text table: the first `left` columns left-aligned (text), the rest right-aligned (figures). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>, left = 1): string {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (i < left ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}
