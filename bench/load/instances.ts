/**
 * The servers under test for one configuration: a fresh database (SQLite file or throwaway
 * PostgreSQL database), one bearer token per owner made with `token create`, and 1 or 2
 * `serve --http` processes of the BUILT server (SERVER_CLI: this repository's dist/, or
 * BENCH_SERVER_ROOT's).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVER_CLI } from '../dist.js';
import { throwawayDatabase } from '../http-server.js';
import { cpuMs } from '../server.js';
import type { ConfigName } from './options.js';
import { freePort } from './postgres.js';

const run = promisify(execFile);
const log = (s: string) => process.stderr.write(`[bench:load] ${s}\n`);

export interface Instance {
  url: URL;
  pid: number;
  stderrTail(): string;
}

export interface Deployment {
  instances: Instance[];
  /** Bearer token of each owner, owner k at index k. */
  tokens: string[];
  /** CPU time all instances have used so far, ms. */
  cpuMs(): number;
  close(): Promise<void>;
}

/** The database environment of the server: exactly one of CHAT_HISTORY_DB / DATABASE_URL. */
function serverEnv(db: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...db };
  if (!db.CHAT_HISTORY_DB) delete env.CHAT_HISTORY_DB;
  if (!db.DATABASE_URL) delete env.DATABASE_URL;
  return env;
}

async function createToken(env: NodeJS.ProcessEnv, owner: string): Promise<string> {
  const { stdout } = await run(process.execPath, [SERVER_CLI, 'token', 'create', '--owner', owner, '--name', 'load'], {
    env: { ...env, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  const secret = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!secret.startsWith('chm_')) throw new Error(`token create printed no token: ${stdout}`);
  return secret;
}

async function waitHealthy(url: URL, child: ChildProcess, tail: () => string): Promise<void> {
  const health = new URL('/healthz', url);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${tail()}`);
    try {
      if ((await fetch(health)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} not healthy after 30 s:\n${tail()}`);
}

/** Servers still running: killed if this process exits early (an error, SIGINT, SIGTERM). */
const live = new Set<ChildProcess>();
let killOnExit = false;

async function startInstance(env: NodeJS.ProcessEnv): Promise<Instance & { child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [SERVER_CLI, 'serve', '--http', '--port', String(port), '--log-level', 'warn'],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (!killOnExit) {
    killOnExit = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
  });
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  await waitHealthy(url, child, () => stderr);
  if (child.pid === undefined) throw new Error('server process has no pid');
  return { url, pid: child.pid, child, stderrTail: () => stderr };
}

async function stopInstance(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const cpuSeen = new Map<number, number>();

/** cpuMs(pid), or the last value read once the process is gone (its failed requests are the errors). */
function lastCpu(pid: number): number {
  try {
    cpuSeen.set(pid, cpuMs(pid));
  } catch {
    // exited
  }
  return cpuSeen.get(pid) ?? 0;
}

export async function deploy(config: ConfigName, owners: number, pgAdminUrl: string | undefined): Promise<Deployment> {
  let db: Record<string, string>;
  let dropDb: () => Promise<void>;
  if (config === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
    db = { CHAT_HISTORY_DB: join(dir, 'load.db') };
    dropDb = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    if (!pgAdminUrl) throw new Error(`${config} needs a PostgreSQL server`);
    const tdb = await throwawayDatabase(pgAdminUrl, 'chm_load');
    db = { DATABASE_URL: tdb.url };
    dropDb = tdb.drop;
  }
  const env = serverEnv(db);
  const children: ChildProcess[] = [];
  try {
    // The first creates the database and applies the migrations; the rest can go together.
    const tokens = [await createToken(env, 'owner-0')];
    tokens.push(
      ...(await Promise.all(Array.from({ length: owners - 1 }, (_, k) => createToken(env, `owner-${k + 1}`)))),
    );
    const count = config === 'postgresql-2' ? 2 : 1;
    const instances: Instance[] = [];
    for (let i = 0; i < count; i++) {
      const inst = await startInstance(env);
      children.push(inst.child);
      instances.push(inst);
    }
    log(`${config}: ${count} instance(s) of ${SERVER_CLI}, ${owners} owners`);
    return {
      instances,
      tokens,
      cpuMs: () => instances.reduce((sum, inst) => sum + lastCpu(inst.pid), 0),
      close: async () => {
        await Promise.all(children.map(stopInstance));
        await dropDb();
      },
    };
  } catch (err) {
    await Promise.all(children.map(stopInstance));
    await dropDb();
    throw err;
  }
}
