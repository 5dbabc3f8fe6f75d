/**
 * Peers are other MCP servers measured beside ours with the same client. They are installed on
 * demand into bench/.peer/ (git-ignored) with plain `npm install`, never dependencies of this
 * package, and reused by later runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEER } from './dist.js';

export interface InstalledPeer {
  /** The script to run with node. */
  entry: string;
  version: string;
}

/**
 * `pkg` at a version matching `range` (e.g. "0.14"): reinstalled when missing or when the one in
 * bench/.peer/ does not match, so the report always names what was measured.
 */
export function installPeer(pkg: string, range: string, entry: string, log: (s: string) => void): InstalledPeer {
  const dir = join(PEER, 'node_modules', ...pkg.split('/'));
  const version = () => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const matches = () => existsSync(join(dir, entry)) && (range === '' || `${version()}.`.startsWith(`${range}.`));
  if (!matches()) {
    const spec = range === '' ? pkg : `${pkg}@${range}`;
    log(`installing ${spec} into ${PEER} (once; npm output below) …`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefix', PEER, spec], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (!matches()) throw new Error(`${spec}: installed, but ${join(dir, entry)} is missing or of another version`);
  }
  return { entry: join(dir, entry), version: version() };
}
