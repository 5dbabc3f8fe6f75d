/**
 * What `npx chat-history-mcp` downloads and unpacks: `npm pack` of the server root (scripts
 * off, so packing never rebuilds, or writes into, the build under test), then
 * `npm install <tarball>` into an empty temp folder, as a user's first `npx` does. Reports the
 * install time, node_modules' disk usage (du) and its largest packages. Needs the npm registry
 * (or npm's cache); about a minute, most of it compiling better-sqlite3 from source.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_ROOT } from './dist.js';
import { round1 } from './stats.js';

export interface InstallFigures {
  tarball_kb: number;
  install_s: number;
  node_modules_mb: number;
  packages: number;
  /** The largest top-level packages (a package's nested node_modules counted in it). */
  top: { name: string; mb: number }[];
}

const TOP = 8;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * Disk usage in KiB of each path, one `du` call. The paths must not contain one another: du
 * counts a folder once per call, so a folder inside an earlier argument would read 0.
 */
function du(paths: string[]): number[] {
  const out = execFileSync('du', ['-sk', ...paths], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  const sizes = new Map(
    out
      .trim()
      .split('\n')
      .map((line) => {
        const [kb, ...path] = line.split('\t');
        return [path.join('\t'), Number(kb)] as const;
      }),
  );
  return paths.map((p) => sizes.get(p) ?? 0);
}

/** Top-level package folders of a node_modules, scoped ones as @scope/name. */
function packageDirs(nodeModules: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const sub of readdirSync(join(nodeModules, name))) out.push(`${name}/${sub}`);
    else out.push(name);
  }
  return out;
}

export function installFigures(log: (s: string) => void): InstallFigures {
  const dir = mkdtempSync(join(tmpdir(), 'chat-history-install-'));
  try {
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: SERVER_ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { filename: string; size: number }[];
    const tarball = join(dir, packed[0]!.filename);
    if (!existsSync(tarball)) throw new Error(`npm pack wrote no ${tarball}`);
    const app = join(dir, 'app');
    mkdirSync(app);
    log(`npm install of the packed ${packed[0]!.filename} into an empty folder (about a minute) …`);
    const t0 = performance.now();
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: app,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const install_s = round1((performance.now() - t0) / 1000);
    const nodeModules = join(app, 'node_modules');
    const names = packageDirs(nodeModules);
    const [total] = du([nodeModules]);
    const sizes = du(names.map((n) => join(nodeModules, n)));
    const mb = (kb: number) => round1(kb / 1024);
    const top = names
      .map((name, i) => ({ name, mb: mb(sizes[i]!) }))
      .sort((a, b) => b.mb - a.mb)
      .slice(0, TOP);
    return {
      tarball_kb: Math.round(packed[0]!.size / 1024),
      install_s,
      node_modules_mb: mb(total!),
      packages: names.length,
      top,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
