/**
 * Runs the official MCP conformance suite (@modelcontextprotocol/conformance, a pinned
 * devDependency: 0.1.13 is the last release that runs on Node 20) against one server URL and
 * reads back what each scenario found.
 *
 * The suite prints a summary but its exit code only says "something failed", so every
 * scenario's checks are read from the files it writes with `-o`:
 * <dir>/server-<scenario>-<timestamp>/checks.json. A scenario whose folder has no checks.json
 * crashed inside the suite; its output (kept in `output`) says why.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type CheckStatus = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';

export interface Check {
  id: string;
  name: string;
  description: string;
  status: CheckStatus;
  errorMessage?: string;
  details?: Record<string, unknown>;
}

export interface ScenarioResult {
  scenario: string;
  /** undefined: the scenario crashed before writing checks.json. */
  checks: Check[] | undefined;
}

export interface SuiteRun {
  results: ScenarioResult[];
  /** Everything the suite printed, stdout and stderr interleaved. */
  output: string;
}

/** The suite's CLI, from the installed package (no npx: CI installs it from the lockfile). */
function suiteBin(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@modelcontextprotocol/conformance/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin.conformance!);
}

function runSuite(
  args: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // `signal` aborted (the runner got SIGINT/SIGTERM): the suite is killed with it.
    const child = spawn(process.execPath, [suiteBin(), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal !== undefined && { signal }),
    });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the conformance suite did not finish within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The server scenarios this version of the suite knows (`conformance list --server`). */
export async function listServerScenarios(signal?: AbortSignal): Promise<string[]> {
  const { code, output } = await runSuite(['list', '--server'], 30_000, signal);
  const names = [...output.matchAll(/^\s+- (\S+)$/gm)].map((m) => m[1]!);
  if (code !== 0 || names.length === 0) throw new Error(`conformance list --server exited ${code}:\n${output}`);
  return names;
}

/**
 * Every server scenario, active and pending (`--suite all`), against `url`; results go to
 * `outputDir`. The suite exits 1 whenever a check fails, which is expected here (the baseline
 * decides), so its exit code is not the verdict.
 */
export async function runServerScenarios(url: string, outputDir: string, signal?: AbortSignal): Promise<SuiteRun> {
  const scenarios = await listServerScenarios(signal);
  const { output } = await runSuite(['server', '--url', url, '--suite', 'all', '-o', outputDir], 300_000, signal);
  const folders = existsSync(outputDir) ? readdirSync(outputDir) : [];
  const results = scenarios.map((scenario): ScenarioResult => {
    const folder = folders.find(
      (f) => f.startsWith(`server-${scenario}-`) && /^\d{4}-/.test(f.slice(`server-${scenario}-`.length)),
    );
    const file = folder === undefined ? undefined : join(outputDir, folder, 'checks.json');
    const checks =
      file !== undefined && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Check[]) : undefined;
    return { scenario, checks };
  });
  return { results, output };
}
