/**
 * The PostgreSQL server the load bench uses: BENCH_POSTGRES_URL or CHAT_HISTORY_TEST_POSTGRES_URL
 * when set, else one started here through scripts/test-postgres.sh (as .ci/run starts it) in
 * its own directory and on its own port, so that a test server other people use
 * (/tmp/chat-history-pg, port 54329) is never touched. Only a server started here is stopped.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../dist.js';

const log = (s: string) => process.stderr.write(`[bench:load] ${s}\n`);

export interface PostgresServer {
  /** A URL whose user may CREATE DATABASE. */
  adminUrl: string;
  /** Stops the server if this process started it; otherwise does nothing. */
  stop(): void;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function postgresServer(): Promise<PostgresServer> {
  const given = process.env.BENCH_POSTGRES_URL?.trim() || process.env.CHAT_HISTORY_TEST_POSTGRES_URL?.trim();
  if (given) return { adminUrl: given, stop: () => {} };
  const script = join(ROOT, 'scripts', 'test-postgres.sh');
  const env = {
    ...process.env,
    PGTEST_DIR: `/tmp/chat-history-pg-load-${process.pid}`,
    PGTEST_PORT: String(await freePort()),
  };
  log(`starting PostgreSQL in ${env.PGTEST_DIR} on port ${env.PGTEST_PORT} (scripts/test-postgres.sh)`);
  const out = execFileSync(script, ['start'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const m = /CHAT_HISTORY_TEST_POSTGRES_URL=(\S+)/.exec(out);
  if (!m) throw new Error(`scripts/test-postgres.sh start printed no URL: ${out}`);
  let stopped = false;
  return {
    adminUrl: m[1]!,
    stop: () => {
      if (stopped) return;
      stopped = true;
      log(`stopping the PostgreSQL server started in ${env.PGTEST_DIR}`);
      execFileSync(script, ['stop'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    },
  };
}
