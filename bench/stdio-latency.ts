/**
 * Round-trip latency of the BUILT server over stdio, as an MCP client sees it.
 *
 *   npm run bench                      (builds dist/ and dist-bench/, then runs this)
 *   BENCH_N=5000 BENCH_WARMUP=500 npm run bench
 *
 * Spawns `node dist/cli.js --db <temp file>` with the SDK's StdioClientTransport and a real
 * Client, and times N sequential calls per operation with performance.now(), after a warm-up
 * of the same operation. `ping` is the floor: the protocol and pipe cost with no tool work.
 * The client never calls tools/list, so it does not validate results against the output
 * schemas: the figures are server + transport, not client-side validation.
 *
 * Prints a table to stdout and writes the same figures to bench/results/stdio-latency.json.
 * Timings are for reading, never pass/fail thresholds.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

// Resolved from this file, so it works from bench/ (source) and dist-bench/ (compiled) alike.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const RESULTS = join(ROOT, 'bench', 'results', 'stdio-latency.json');

const N = positiveInt(process.env.BENCH_N, 2000);
const WARMUP = positiveInt(process.env.BENCH_WARMUP, 200);
const LIST_CONVERSATIONS = 50;

interface Row {
  op: string;
  n: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  ops_per_s: number;
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

async function measure(op: string, fn: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < WARMUP; i++) await fn(i);
  const durations = new Float64Array(N);
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await fn(WARMUP + i);
    durations[i] = performance.now() - t0;
  }
  const total = performance.now() - start;
  const sorted = Array.from(durations).sort((a, b) => a - b);
  const us = (ms: number) => Math.round(ms * 1000);
  return {
    op,
    n: N,
    p50_us: us(percentile(sorted, 50)),
    p90_us: us(percentile(sorted, 90)),
    p99_us: us(percentile(sorted, 99)),
    ops_per_s: Math.round(N / (total / 1000)),
  };
}

function table(rows: readonly Row[]): string {
  const header = ['op', 'n', 'p50 µs', 'p90 µs', 'p99 µs', 'ops/s'];
  const cells = rows.map((r) => [r.op, r.n, r.p50_us, r.p90_us, r.p99_us, r.ops_per_s].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run bench\` (it builds first) or \`npm run build\``);
  const dir = mkdtempSync(join(tmpdir(), 'chat-history-bench-'));
  const dbPath = join(dir, 'bench.db');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--db', dbPath, '--log-level', 'info'],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000); // keep the tail for error reports
  });
  const client = new Client({ name: 'stdio-latency-bench', version: '1.0.0' });

  const call = async (name: string, args: Record<string, unknown>): Promise<any> => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent;
  };

  try {
    await client.connect(transport);
    const serverVersion = client.getServerVersion()?.version ?? 'unknown';

    const { conversation } = await call('create_conversation', { key: 'bench-main', title: 'bench' });
    const conversation_id: string = conversation.id;
    // ~200 characters of ordinary prose, with the sequence number so no two are identical.
    const body = 'The quick brown fox jumps over the lazy dog while the agent records this turn for later recall; '.repeat(3);
    const content = (i: number) => `${i} ${body}`.slice(0, 200);

    const rows: Row[] = [];
    rows.push(await measure('ping', () => client.ping()));
    rows.push(
      await measure('append_messages (1 user msg, 200 chars)', (i) =>
        call('append_messages', { conversation_id, messages: [{ role: 'user', content: content(i) }] }),
      ),
    );
    rows.push(await measure('get_history (last 50)', () => call('get_history', { conversation_id, limit: 50 })));
    rows.push(await measure('get_conversation', () => call('get_conversation', { conversation_id })));
    for (let i = 0; i < LIST_CONVERSATIONS; i++) await call('create_conversation', { key: `bench-list-${i}`, title: `conversation ${i}` });
    rows.push(await measure('list_conversations (20)', () => call('list_conversations', { limit: 20 })));

    const meta = {
      date: new Date().toISOString(),
      transport: 'stdio',
      server_version: serverVersion,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      warmup_per_op: WARMUP,
      messages_in_conversation: WARMUP + N,
      conversations_listed_from: LIST_CONVERSATIONS + 1,
      client_output_validation: false,
    };
    console.log(`stdio round trips: node ${meta.node}, ${meta.cpus} × ${meta.cpu_model}, server ${serverVersion}, warm-up ${WARMUP}/op`);
    console.log(table(rows));
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify({ meta, results: rows }, null, 2)}\n`);
    console.log(`\nwritten: ${RESULTS}`);
  } catch (err) {
    process.stderr.write(`server stderr (tail):\n${stderr}\n`);
    throw err;
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
