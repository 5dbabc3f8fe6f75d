/**
 * The server under test for `npm run conformance`: the BUILT CLI (dist/cli.js), started the
 * way a user starts it, on a throwaway SQLite file, with a bearer token made by its own
 * `token create` command. Nothing here imports src/: what the suite sees is what ships.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/**
 * The environment of every CLI run: none of the server's settings (CHAT_HISTORY_*, DATABASE_URL,
 * LOG_LEVEL) inherited from the caller's shell, so a developer's read-only mode or limits do
 * not change what the suite sees.
 */
function cliEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('CHAT_HISTORY_') && name !== 'DATABASE_URL' && name !== 'LOG_LEVEL',
    ),
  );
}

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run conformance does).`);
}

/** `token create --owner <owner> --db <db>`: the secret it prints on stdout. */
export function createToken(db: string, owner: string): string {
  const run = spawnSync(process.execPath, [CLI, 'token', 'create', '--owner', owner, '--db', db], {
    encoding: 'utf8',
    env: cliEnv(),
    timeout: 60_000,
  });
  const secret = run.stdout.trim();
  if (run.status !== 0 || !secret.startsWith('chm_')) {
    throw new Error(`token create exited ${run.status}:\n${run.stderr}${run.stdout}`);
  }
  return secret;
}

export interface RunningServer {
  /** The /mcp URL from the start-up line, real port included. */
  url: URL;
  /** Everything the server wrote to stderr (its log), for a report when something went wrong. */
  log(): string;
  /** SIGTERM (the server drains and exits 0), SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** `serve --http --host 127.0.0.1 --port 0 --db <db> --log-level debug`; resolves when its start-up line names the bound URL. */
export async function startServer(db: string): Promise<RunningServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    // debug: one line per request, printed only when the run fails.
    [CLI, 'serve', '--http', '--host', '127.0.0.1', '--port', '0', '--db', db, '--log-level', 'debug'],
    { env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve --http did not report listening within 30 s:\n${log}`)),
        30_000,
      );
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
        // {"url":"http://127.0.0.1:40123/mcp",…,"msg":"chat-history-mcp listening"} (docs/http.md)
        const match = /"url":"(http:[^"]+)"/.exec(log);
        if (match) {
          clearTimeout(timer);
          resolve(new URL(match[1]!));
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`serve --http exited (code ${child.exitCode}) before listening:\n${log}`));
      });
    });
    return { url, log: () => log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
