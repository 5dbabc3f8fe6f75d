import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI, requireBuiltCli } from './spawn.js';

/**
 * Run the built CLI as a user who cannot write what the test made read-only. chmod does not
 * stop root, and tests often run as root (containers, CI): then the child runs as `nobody`
 * through runuser. `readerSkipReason` says why the tests cannot run (root without runuser).
 */
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p));
const isRoot = process.getuid?.() === 0;

export const readerSkipReason: string | undefined =
  isRoot && RUNUSER === undefined
    ? 'running as root and runuser is missing: chmod cannot make a file read-only for root'
    : undefined;

/** The folders the reader needs (HOME, TMPDIR, the test's own) must be open to `nobody` when root. */
export const READER_DIR_MODE = 0o755;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runAsReader(args: string[], env: Record<string, string>, input?: string): CliRun {
  requireBuiltCli();
  const vars = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
  const argv = [process.execPath, CLI, ...args];
  const r = isRoot
    ? // `env` sets the variables after runuser (which may reset the environment) switched user.
      spawnSync(
        RUNUSER!,
        ['-u', 'nobody', '--', 'env', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), ...argv],
        {
          encoding: 'utf8',
          timeout: 60_000,
          input,
        },
      )
    : spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000, env: vars, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
