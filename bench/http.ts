/**
 * `npm run bench:http`: the BUILT server as `serve --http` (stateless Streamable HTTP with a
 * bearer token), driven by the SDK's HTTP client, on SQLite and on PostgreSQL. Reports the
 * medians the "Scaling out" README section quotes: append_messages (1 message) and
 * get_history (50 messages) against the HTTP floor (ping), on a conversation that already
 * holds BENCH_HTTP_MESSAGES messages (default 1,000). Not part of `npm test`.
 *
 *   BENCH_POSTGRES_URL=postgresql://…  a server whose user may CREATE DATABASE (a throwaway
 *       database is made and dropped); defaults to CHAT_HISTORY_TEST_POSTGRES_URL
 *       (scripts/test-postgres.sh). Without either, only SQLite is measured.
 */
import { setMaxListeners } from 'node:events';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  type Backend,
  createToken,
  httpClient,
  postgresAdminUrl,
  postgresBackend,
  sqliteBackend,
  startServer,
} from './http-server.js';
import { FAST, measure, positiveInt, type Timing, table } from './stats.js';

const log = (s: string) => process.stderr.write(`[bench:http] ${s}\n`);
const MESSAGES = positiveInt(process.env.BENCH_HTTP_MESSAGES, 1000);

async function measureBackend(backend: Backend): Promise<Record<string, Timing>> {
  const secret = createToken(backend.env);
  const server = await startServer(backend.env);
  const client = await httpClient(server.url, secret);
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content).slice(0, 300)}`);
    return result.structuredContent as any;
  };
  try {
    const id = (await call('create_conversation', { key: 'bench', title: 'bench' })).conversation.id as string;
    for (let i = 0; i < MESSAGES; i += 100) {
      const n = Math.min(100, MESSAGES - i);
      await call('append_messages', {
        conversation_id: id,
        messages: Array.from({ length: n }, (_, k) => ({
          role: k % 2 ? 'assistant' : 'user',
          content: `seed message ${i + k} about kubernetes pods and deployments`,
        })),
      });
    }
    log(`${backend.name}: ${MESSAGES} messages seeded over HTTP`);
    return {
      ping: await measure(FAST, () => client.ping()),
      'append_messages(1)': await measure(FAST, (i) =>
        call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: `bench ${i}` }] }),
      ),
      'get_history(50)': await measure(FAST, () => call('get_history', { conversation_id: id, limit: 50 })),
    };
  } finally {
    await client.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  // The SDK's HTTP client passes one AbortSignal to every fetch, and Node 20's fetch leaves a
  // listener on it per request: thousands of sequential calls trip the leak warning (client
  // side only; the server is a separate process).
  setMaxListeners(1_000_000);
  const pgUrl = postgresAdminUrl();
  const backends: Array<() => Promise<Backend>> = [async () => sqliteBackend()];
  if (pgUrl) backends.push(() => postgresBackend(pgUrl));
  else log('PostgreSQL skipped: set BENCH_POSTGRES_URL (or CHAT_HISTORY_TEST_POSTGRES_URL)');

  const results: Record<string, Record<string, Timing>> = {};
  for (const make of backends) {
    const backend = await make();
    try {
      results[backend.name] = await measureBackend(backend);
    } finally {
      await backend.cleanup();
    }
  }
  const ops = ['ping', 'append_messages(1)', 'get_history(50)'];
  const names = Object.keys(results);
  process.stdout.write(
    `\nStreamable HTTP, one client, sequential calls; p50 / p99 in µs (conversation of ${MESSAGES}+ messages)\n\n`,
  );
  process.stdout.write(
    `${table(
      ['op', ...names.flatMap((n) => [`${n} p50`, `${n} p99`])],
      ops.map((op) => [op, ...names.flatMap((n) => [results[n]![op]!.p50_us, results[n]![op]!.p99_us])]),
    )}\n`,
  );
}

await main();
