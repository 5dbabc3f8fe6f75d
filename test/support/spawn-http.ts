import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { DatabaseTarget } from '../../src/db/index.js';
import { CLI, type Exit, requireBuiltCli } from './spawn.js';

/** How the built CLI is pointed at a test database: --db for SQLite, DATABASE_URL for PostgreSQL. */
export function databaseArgs(target: DatabaseTarget): { args: string[]; env: NodeJS.ProcessEnv } {
  const env = { ...process.env, LOG_LEVEL: '', CHAT_HISTORY_DB: '', DATABASE_URL: '' };
  return target.provider === 'sqlite'
    ? { args: ['--db', target.path], env }
    : { args: [], env: { ...env, DATABASE_URL: target.url } };
}

/** Run the built CLI to completion (token commands). */
export function runCli(
  target: DatabaseTarget,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  requireBuiltCli();
  const db = databaseArgs(target);
  const r = spawnSync(process.execPath, [CLI, ...args, ...db.args], { encoding: 'utf8', env: db.env, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface RunningHttpCli {
  url: string;
  child: ChildProcess;
  stderr(): string;
  exited: Promise<Exit>;
}

/**
 * Spawn `serve --http --port 0` and wait for its start-up line, which carries the bound URL.
 * Rejects with the process's stderr if it exits first.
 */
export async function startHttpCli(target: DatabaseTarget, extraArgs: string[] = []): Promise<RunningHttpCli> {
  requireBuiltCli();
  const db = databaseArgs(target);
  const child = spawn(process.execPath, [CLI, 'serve', '--http', '--port', '0', ...db.args, ...extraArgs], {
    env: db.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /"url":"(http:[^"]+)"/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then((exit) =>
      reject(new Error(`serve --http exited (${JSON.stringify(exit)}) before listening:\n${stderr}${stdout}`)),
    );
  });
  return { url, child, stderr: () => stderr, exited };
}
