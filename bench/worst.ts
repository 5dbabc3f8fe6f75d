/**
 * `npm run bench:worst`: the worst legal request of every tool, resource and prompt
 * (bench/worst/cases.ts) against the built server, over HTTP with a second owner pinging
 * throughout. Prints each case's p50 and max, the bystander's longest ping, the response size
 * and the server's RSS peak. `npm run bench` prints the same table at its end.
 *
 *   WORST_CASES=id,id      only these cases (ids in bench/worst/cases.ts)
 *   WORST_RUNS=3           requests per case
 *   WORST_TRANSPORT=http   or stdio (no bystander: checks that the session survives)
 *   WORST_CLI=path         another build's dist/cli.js, to measure before/after a change
 *   DATABASE_URL=postgresql://…   run on PostgreSQL (an empty database) instead of a temp SQLite file
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_CLI } from './dist.js';
import { positiveInt } from './stats.js';
import { WORST_CASES } from './worst/cases.js';
import { runWorstCases, type Target } from './worst/harness.js';
import { printWorstTable } from './worst/table.js';

const log = (s: string) => process.stderr.write(`[worst] ${s}\n`);

export async function worstCaseBench(options: { cli?: string; runs?: number; transport?: 'http' | 'stdio' } = {}) {
  const ids = (process.env.WORST_CASES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const cases = ids.length === 0 ? WORST_CASES : WORST_CASES.filter((c) => ids.includes(c.id));
  const dir = mkdtempSync(join(tmpdir(), 'chat-history-worst-'));
  const url = process.env.DATABASE_URL?.trim();
  const target: Target = url ? { provider: 'postgresql', url } : { provider: 'sqlite', path: join(dir, 'worst.db') };
  try {
    return await runWorstCases({
      cli: options.cli ?? process.env.WORST_CLI ?? SERVER_CLI,
      target,
      transport: options.transport ?? (process.env.WORST_TRANSPORT === 'stdio' ? 'stdio' : 'http'),
      runs: options.runs ?? positiveInt(process.env.WORST_RUNS, 3),
      cases,
      requestTimeoutMs: 600_000,
      log,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  worstCaseBench().then(
    (results) => printWorstTable(results),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
