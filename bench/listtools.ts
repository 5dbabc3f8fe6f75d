/**
 * What an agent's SDK client pays to list our tools: a fresh `Client` over stdio calling
 * `client.listTools()`, which besides the server's tools/list compiles a validator for every
 * tool's output schema on the client (the rest of the bench lists tools with a plain request,
 * so that this client-side work never enters the server's figures). Each fresh client is a
 * fresh server process, as every agent start is. Measured:
 * - listTools(): its first call on each fresh client (what every connection pays once), then
 *   later calls on the same client;
 * - the plain tools/list request, first call on other fresh clients and later calls: the
 *   server's and the pipe's share, so the difference is the client's own work.
 */
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { removeDb } from './seed.js';
import { connect, ourServer } from './server.js';
import { median, percentile, round1 } from './stats.js';

export interface ListToolsFigures {
  clients: number;
  tools: number;
  /** listTools(), first call of each fresh client, ms. */
  first_ms: number[];
  first_median_ms: number;
  /** listTools(), p50 of the later calls on the same clients, ms. */
  later_p50_ms: number;
  /** Plain tools/list request (no client-side validators): first call median, later p50, ms. */
  plain_first_median_ms: number;
  plain_later_p50_ms: number;
}

const LATER = 20;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** `clients` fresh clients, each: one first call, then LATER more, of `list`. */
async function sample(
  clients: number,
  db: string,
  list: (c: Client) => Promise<unknown>,
): Promise<{ first: number[]; later: number[] }> {
  const first: number[] = [];
  const later: number[] = [];
  for (let k = 0; k < clients; k++) {
    const { client } = await connect(ourServer(db));
    try {
      first.push(await time(() => list(client)));
      for (let i = 0; i < LATER; i++) later.push(await time(() => list(client)));
    } finally {
      await client.close();
    }
  }
  return { first, later };
}

export async function listToolsFigures(clients: number, work: string): Promise<ListToolsFigures> {
  const db = join(work, 'listtools.db');
  let tools = 0;
  try {
    const sdk = await sample(clients, db, async (c) => {
      tools = (await c.listTools()).tools.length;
    });
    const plain = await sample(clients, db, (c) => c.request({ method: 'tools/list' }, ListToolsResultSchema));
    const p50 = (v: number[]) =>
      round1(
        percentile(
          [...v].sort((a, b) => a - b),
          50,
        ),
      );
    return {
      clients,
      tools,
      first_ms: sdk.first.map(round1),
      first_median_ms: round1(median(sdk.first)),
      later_p50_ms: p50(sdk.later),
      plain_first_median_ms: round1(median(plain.first)),
      plain_later_p50_ms: p50(plain.later),
    };
  } finally {
    removeDb(db);
  }
}
