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
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import { SERVER_CLI } from './dist.js';
import { FAST, measure, positiveInt, type Timing, table } from './stats.js';

const log = (s: string) => process.stderr.write(`[bench:http] ${s}\n`);
const MESSAGES = positiveInt(process.env.BENCH_HTTP_MESSAGES, 1000);

interface Backend {
  name: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  return {
    name: 'sqlite',
    env: { CHAT_HISTORY_DB: join(dir, 'bench.db') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresBackend(adminUrl: string): Promise<Backend> {
  const name = `chm_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name: 'postgresql',
    env: { DATABASE_URL: url.toString() },
    cleanup: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** `token create` through the CLI, as an operator would (it also applies the migrations). */
function createToken(env: Record<string, string>): string {
  const out = execFileSync(process.execPath, [SERVER_CLI, 'token', 'create', '--owner', 'bench', '--name', 'bench'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const secret = out.trim().split('\n').at(-1)!.trim();
  if (!secret.startsWith('chm_')) throw new Error(`token create printed no token: ${out}`);
  return secret;
}

async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [SERVER_CLI, 'serve', '--http', '--port', '0', '--log-level', 'info'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const line = stderr.split('\n').find((l) => l.includes('"chat-history-mcp listening"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${stderr}`)));
  });
  return { url, child };
}

async function measureBackend(backend: Backend): Promise<Record<string, Timing>> {
  const secret = createToken(backend.env);
  const { url, child } = await startServer(backend.env);
  const client = new Client({ name: 'chat-history-bench-http', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${secret}` } },
    }),
  );
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
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  // The SDK's HTTP client passes one AbortSignal to every fetch, and Node 20's fetch leaves a
  // listener on it per request: thousands of sequential calls trip the leak warning (client
  // side only; the server is a separate process).
  setMaxListeners(1_000_000);
  const pgUrl = process.env.BENCH_POSTGRES_URL?.trim() || process.env.CHAT_HISTORY_TEST_POSTGRES_URL?.trim();
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
