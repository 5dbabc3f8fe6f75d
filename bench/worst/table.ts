/** The "worst case within limits" table: one row per case. */
import type { CaseResult } from './harness.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

const ms = (x: number | null) => (x === null ? '-' : x < 10 ? x.toFixed(1) : String(Math.round(x)));
const kb = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;

export function printWorstTable(results: readonly CaseResult[], out: NodeJS.WritableStream = process.stdout): void {
  const rows = [
    ['case', 'p50 ms', 'max ms', 'bystander ping max ms', 'healthz max ms', 'response', 'RSS peak MB', 'result'],
    ...results.map((r) => {
      const times = r.outcomes.map((o) => o.ms);
      const error = r.outcomes.find((o) => o.error !== null)?.error ?? undefined;
      return [
        r.what,
        ms(median(times)),
        ms(Math.max(...times)),
        ms(r.bystanderMaxMs),
        ms(r.healthMaxMs),
        kb(Math.max(...r.outcomes.map((o) => o.bytes))),
        String(r.rssPeakMb),
        (r.sessionAlive ? '' : 'SESSION LOST; ') +
          (error === undefined ? 'ok' : error.slice(0, 60).replace(/\s+/g, ' ')),
      ];
    }),
  ];
  out.write('\n## Worst case within limits (one owner attacks, another pings)\n\n');
  out.write(`| ${rows[0]!.join(' | ')} |\n| ${rows[0]!.map(() => '---').join(' | ')} |\n`);
  for (const row of rows.slice(1)) out.write(`| ${row.join(' | ')} |\n`);
}
