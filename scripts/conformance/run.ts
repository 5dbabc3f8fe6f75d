/**
 * `npm run conformance`: the official MCP conformance suite's server scenarios against the
 * built `serve --http`, compared with test/conformance/baseline.json.
 *
 *   temp SQLite file ─ token create ─ serve --http --port 0 ◄─ auth proxy (adds the token) ◄─ suite
 *
 * The suite cannot send an Authorization header, so it talks to a local proxy that adds one
 * (auth-proxy.ts). Exit 0 when every scenario matches the baseline, 1 otherwise (a new failure,
 * or a baseline entry that is stale). The table goes to stdout, progress to stderr. Whatever
 * happens, the server and the proxy are stopped and the temp folder removed.
 *
 * Runs under jiti (`npm run conformance` builds dist/ first); needs no network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AuthProxy, startAuthProxy } from './auth-proxy.js';
import { compare, loadBaseline, renderTable, summarize } from './baseline.js';
import { createToken, type RunningServer, requireBuiltCli, startServer } from './server.js';
import { runServerScenarios } from './suite.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BASELINE = join(ROOT, 'test/conformance/baseline.json');
const log = (line: string) => process.stderr.write(`conformance: ${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const baselinePath = relative(process.cwd(), BASELINE) || BASELINE;
  const baseline = loadBaseline(BASELINE);
  requireBuiltCli();

  const dir = mkdtempSync(join(tmpdir(), 'chm-conformance-'));
  let server: RunningServer | undefined;
  let proxy: AuthProxy | undefined;
  const suite = new AbortController();
  const cleanup = async () => {
    suite.abort();
    await proxy?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  // Ctrl-C or a CI timeout: still stop the children and remove the folder.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(1));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const db = join(dir, 'conformance.db');
    const token = createToken(db, 'conformance');
    server = await startServer(db);
    proxy = await startAuthProxy(server.url, token);
    const url = `${proxy.origin}${server.url.pathname}`;
    log(`server ${server.url.href}, suite → ${url} (proxy adds the bearer token)`);

    const run = await runServerScenarios(url, join(dir, 'results'), suite.signal);
    const { rows, problems } = compare(run.results, baseline, baselinePath);
    if (run.results.some((r) => r.checks === undefined)) process.stderr.write(`${run.output}\n`);

    process.stdout.write(`\n${renderTable(rows)}\n\n${summarize(rows)}\n`);
    log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (problems.length === 0) return 0;
    process.stderr.write(
      `\nconformance: FAILED, ${problems.length} scenario(s) do not match ${baselinePath}:\n` +
        `${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        `A new failure is a bug to fix. Add it to the baseline only if it cannot pass by design: it needs the\n` +
        `suite's reference server (fixture), or a capability or sessions this server does not offer.\n` +
        `\nserver log (debug):\n${server.log()}`,
    );
    return 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
