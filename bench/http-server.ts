/**
 * One `serve --http` instance of the BUILT server (SERVER_CLI) with a bearer token, on a
 * throwaway SQLite file or PostgreSQL database: what bench/http.ts and the HTTP figures of
 * `npm run bench` (overhttp.ts) both start.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { SERVER_CLI } from './dist.js';

export interface Backend {
  name: 'sqlite' | 'postgresql';
  env: Record<string, string>;
  /** The PostgreSQL database's own URL (for raw queries beside the server); null on SQLite. */
  databaseUrl: string | null;
  cleanup(): Promise<void>;
}

/** BENCH_POSTGRES_URL, else CHAT_HISTORY_TEST_POSTGRES_URL (scripts/test-postgres.sh), else null. */
export function postgresAdminUrl(): string | null {
  return process.env.BENCH_POSTGRES_URL?.trim() || process.env.CHAT_HISTORY_TEST_POSTGRES_URL?.trim() || null;
}

export function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  return {
    name: 'sqlite',
    env: { CHAT_HISTORY_DB: join(dir, 'bench.db') },
    databaseUrl: null,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A throwaway database on a server whose user may CREATE DATABASE: its URL, and how to drop it. */
export async function throwawayDatabase(
  adminUrl: string,
  prefix = 'chm_bench',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
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
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The PostgreSQL backend: a throwaway database, dropped by cleanup(). */
export async function postgresBackend(adminUrl: string): Promise<Backend> {
  const db = await throwawayDatabase(adminUrl);
  return { name: 'postgresql', env: { DATABASE_URL: db.url }, databaseUrl: db.url, cleanup: db.drop };
}

/** The owner every bench token acts as. */
export const HTTP_OWNER = 'bench';

/** `token create` through the CLI, as an operator would (it also applies the migrations). */
export function createToken(env: Record<string, string>): string {
  const out = execFileSync(
    process.execPath,
    [SERVER_CLI, 'token', 'create', '--owner', HTTP_OWNER, '--name', 'bench'],
    {
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const secret = out.trim().split('\n').at(-1)!.trim();
  if (!secret.startsWith('chm_')) throw new Error(`token create printed no token: ${out}`);
  return secret;
}

export interface HttpServer {
  /** The MCP endpoint. */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServer(env: Record<string, string>): Promise<HttpServer> {
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
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** The SDK's Streamable HTTP client with the token, connected (initialize done). */
export async function httpClient(url: string, secret: string): Promise<Client> {
  const client = new Client({ name: 'chat-history-bench-http', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { Authorization: `Bearer ${secret}` } },
    }),
  );
  return client;
}
