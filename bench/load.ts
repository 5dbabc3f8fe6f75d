/**
 * `npm run bench:load`: many concurrent agents over Streamable HTTP against the BUILT server
 * (`serve --http`, bearer tokens from `token create`), on SQLite (1 instance), PostgreSQL
 * (1 instance) and PostgreSQL shared by 2 instances (each agent pinned to one, no proxy).
 * For every configuration × concurrency, on a fresh database, three phases of LOAD_SECONDS
 * each after a warm-up: every agent pinging (the HTTP floor), every agent appending one
 * message at a time, and every agent running a realistic session (bench/load/agent.ts).
 * Prints throughput, p50/p99 per operation, server CPU per request, errors and the ratios to
 * the ping throughput; writes bench/results/load-<date>.json and load-latest.json. Any error
 * makes the exit code 1. Not part of `npm test`; knobs in docs/benchmarks.md.
 */
import { setMaxListeners } from 'node:events';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { RESULTS, SERVER_ROOT } from './dist.js';
import { type AgentCtx, appendLoop, pingLoop, prepare, sessionLoop } from './load/agent.js';
import { CLIENT_LABEL, connection, type Endpoint, type McpConn } from './load/client.js';
import { deploy } from './load/instances.js';
import { type ConfigName, type LoadOptions, readOptions } from './load/options.js';
import { runPhase } from './load/phase.js';
import { type PostgresServer, postgresServer } from './load/postgres.js';
import { type LoadReport, type RunResult, ratio, readBaseline, render, totalErrors } from './load/report.js';

const log = (s: string) => process.stderr.write(`[bench:load] ${s}\n`);

async function measure(
  config: ConfigName,
  agents: number,
  o: LoadOptions,
  pgUrl: string | undefined,
): Promise<RunResult> {
  const load = Math.round(loadavg()[0]! * 100) / 100;
  const d = await deploy(config, o.owners, pgUrl);
  const httpAgents = d.instances.map(() => new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }));
  const conns: McpConn[] = [];
  try {
    const ctx = (i: number): AgentCtx => {
      const k = i % d.instances.length;
      const ep: Endpoint = { url: d.instances[k]!.url, token: d.tokens[i % o.owners]!, agent: httpAgents[k]! };
      return { index: i, sessionTurns: o.sessionTurns, open: () => connection(o.client, ep) };
    };
    const timing = { warmupSeconds: o.warmupSeconds, seconds: o.seconds };
    const label = `${config}, ${agents} agents`;

    const pingConns = await Promise.all(
      Array.from({ length: agents }, async (_, i) => {
        const conn = ctx(i).open();
        await conn.connect();
        return conn;
      }),
    );
    conns.push(...pingConns);
    log(`${label}: ping`);
    const ping = await runPhase('ping', agents, timing, d.cpuMs, (i, rec) => pingLoop(pingConns[i]!, rec));

    const prepared = await Promise.all(Array.from({ length: agents }, (_, i) => prepare(ctx(i), `append-only-${i}`)));
    conns.push(...prepared.map((p) => p.conn));
    log(`${label}: append-only`);
    const append = await runPhase('append', agents, timing, d.cpuMs, (i, rec) =>
      appendLoop(ctx(i), prepared[i]!.conn, prepared[i]!.id, rec),
    );

    log(`${label}: session`);
    const session = await runPhase('session', agents, timing, d.cpuMs, (i, rec) => sessionLoop(ctx(i), rec));

    const result: RunResult = {
      config,
      agents,
      instances: d.instances.length,
      loadavg: load,
      phases: { ping, append, session },
      ratio_append_only: ratio(append.appends_per_s, ping.requests_per_s),
      ratio_session_appends: ratio(session.appends_per_s, ping.requests_per_s),
      ratio_session_requests: ratio(session.requests_per_s, ping.requests_per_s),
    };
    const errors = totalErrors(result);
    log(
      `${label}: ${ping.requests_per_s} pings/s, ${append.appends_per_s} appends/s, ${session.requests_per_s} session req/s` +
        (errors ? `, ${errors} ERRORS` : ''),
    );
    if (errors)
      for (const inst of d.instances) log(`server ${inst.url} stderr tail:\n${inst.stderrTail().slice(-3000)}`);
    return result;
  } finally {
    await Promise.all(conns.map((c) => c.close().catch(() => {})));
    for (const a of httpAgents) a.destroy();
    await d.close();
  }
}

async function main(): Promise<number> {
  // The SDK's HTTP client leaves a listener per request on one AbortSignal (see bench/http.ts).
  setMaxListeners(1_000_000);
  const o = readOptions();
  const baseline = o.baseline ? readBaseline(o.baseline) : undefined;
  let pgServer: PostgresServer | undefined;
  const stopPg = () => pgServer?.stop();
  process.once('exit', stopPg);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

  const loadStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const results: RunResult[] = [];
  try {
    if (o.configs.some((c) => c !== 'sqlite')) pgServer = await postgresServer();
    for (const config of o.configs) {
      for (const agents of o.agents) results.push(await measure(config, agents, o, pgServer?.adminUrl));
    }
  } finally {
    stopPg();
  }

  const date = new Date().toISOString();
  const report: LoadReport = {
    version: 1,
    date,
    client: CLIENT_LABEL[o.client],
    server_root: SERVER_ROOT.replace(/\/$/, ''),
    seconds: o.seconds,
    warmup_seconds: o.warmupSeconds,
    owners: o.owners,
    session_turns: o.sessionTurns,
    machine: {
      cpus: cpus().length,
      node: process.version,
      loadavg_start: loadStart,
      loadavg_end: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    results,
  };
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `load-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  copyFileSync(file, join(RESULTS, 'load-latest.json'));
  log(`wrote ${file} and load-latest.json`);
  process.stdout.write(render(report, baseline));
  return results.some((r) => totalErrors(r) > 0) ? 1 : 0;
}

const code = await main().catch((err) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return 1;
});
process.exit(code); // nothing left to wait for (an SDK client's socket would keep the process alive)
