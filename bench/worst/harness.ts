/**
 * Runs the worst cases (cases.ts) against a BUILT server, the way a hostile-but-legal tenant
 * would: `serve --http` with two owners, the attacker sending each worst request while the
 * bystander pings without pause (and GET /healthz is polled), or over stdio at the response
 * budget to prove the session survives. Measures each request's time, the bystander's longest
 * wait, the response's size as serialized, and the server's peak RSS. Shared by
 * `npm run test:hostile` (which asserts bounds) and `npm run bench` (which prints them).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  GetPromptResultSchema,
  ReadResourceResultSchema,
  ResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Caller, Request, WorstCase } from './cases.js';

export type Target = { provider: 'sqlite'; path: string } | { provider: 'postgresql'; url: string };

export interface Outcome {
  ms: number;
  /** UTF-8 bytes of the result as JSON (structuredContent and content together). */
  bytes: number;
  /** null: a result; otherwise the isError text or the protocol error's message. */
  error: string | null;
}

export interface CaseResult {
  id: string;
  kind: string;
  what: string;
  outcomes: Outcome[];
  /** The bystander's longest ping while the case ran (HTTP only), in ms. */
  bystanderMaxMs: number | null;
  /** The longest GET /healthz while the case ran (HTTP only), in ms. */
  healthMaxMs: number | null;
  /** Server RSS peak during the case, in MB. */
  rssPeakMb: number;
  /** A ping on the attacker's own session after the case: the session survived. */
  sessionAlive: boolean;
}

export interface HarnessOptions {
  /** The built entry point to run (dist/cli.js, or an older build to compare with). */
  cli: string;
  target: Target;
  transport: 'http' | 'stdio';
  runs: number;
  cases: readonly WorstCase[];
  /** Give up on one request after this long (an old build may take minutes). */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Everything a session offers the runner. */
interface Session {
  caller: Caller;
  send(request: Request, timeoutMs: number): Promise<Outcome>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

function dbArgs(target: Target): { args: string[]; env: NodeJS.ProcessEnv } {
  const env = { ...process.env, LOG_LEVEL: '', CHAT_HISTORY_DB: '', DATABASE_URL: '' };
  return target.provider === 'sqlite'
    ? { args: ['--db', target.path], env }
    : { args: [], env: { ...env, DATABASE_URL: target.url } };
}

function createToken(cli: string, target: Target, owner: string): string {
  const db = dbArgs(target);
  const r = spawnSync(process.execPath, [cli, 'token', 'create', '--owner', owner, ...db.args], {
    encoding: 'utf8',
    env: db.env,
  });
  if (r.status !== 0) throw new Error(`token create failed: ${r.stderr}`);
  return r.stdout.trim();
}

async function startHttp(
  cli: string,
  target: Target,
): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const db = dbArgs(target);
  const child = spawn(process.execPath, [cli, 'serve', '--http', '--port', '0', '--log-level', 'info', ...db.args], {
    env: db.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-50_000);
      const match = /"url":"(http:[^"]+)"/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve --http exited (${code}):\n${stderr}`)));
  });
  return { url, child, stderr: () => stderr };
}

function sessionOf(client: Client): Session {
  const send = async (request: Request, timeoutMs: number): Promise<Outcome> => {
    const options = { timeout: timeoutMs, maxTotalTimeout: timeoutMs };
    const started = performance.now();
    try {
      if ('viewer' in request) throw new Error('a viewer request needs the HTTP transport');
      if ('tool' in request) {
        const result = await client.request(
          { method: 'tools/call', params: { name: request.tool, arguments: request.args } },
          CallToolResultSchema,
          options,
        );
        const ms = performance.now() - started;
        const error = result.isError
          ? String((result.content[0] as { text?: string } | undefined)?.text ?? 'isError')
          : null;
        return { ms, bytes: Buffer.byteLength(JSON.stringify(result)), error };
      }
      const result =
        'resource' in request
          ? await client.request(
              { method: 'resources/read', params: { uri: request.resource } },
              ReadResourceResultSchema,
              options,
            )
          : 'prompt' in request
            ? await client.request(
                { method: 'prompts/get', params: { name: request.prompt, arguments: request.args } },
                GetPromptResultSchema,
                options,
              )
            : await client.request({ method: request.method, params: request.params } as never, ResultSchema, options);
      return { ms: performance.now() - started, bytes: Buffer.byteLength(JSON.stringify(result)), error: null };
    } catch (err) {
      return { ms: performance.now() - started, bytes: 0, error: `protocol: ${(err as Error).message}` };
    }
  };
  return {
    caller: {
      async call(name, args) {
        const outcome = await client.request(
          { method: 'tools/call', params: { name, arguments: args } },
          CallToolResultSchema,
          { timeout: 600_000 },
        );
        if (outcome.isError)
          throw new Error(`${name} failed during setup: ${JSON.stringify(outcome.content).slice(0, 300)}`);
        return outcome.structuredContent;
      },
    },
    send,
    ping: async () => {
      await client.ping({ timeout: 600_000 });
    },
    close: () => client.close(),
  };
}

async function httpSession(url: string, secret: string): Promise<Session> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${secret}` } },
  });
  const client = new Client({ name: 'worst-case', version: '1.0.0' });
  await client.connect(transport);
  const session = sessionOf(client);
  const origin = new URL(url).origin;
  return {
    ...session,
    send: (request, timeoutMs) =>
      'viewer' in request
        ? viewerGet(`${origin}${request.viewer}`, secret, timeoutMs)
        : session.send(request, timeoutMs),
  };
}

/** A GET of the web viewer's API with the token; a non-200 answer is the outcome's error. */
async function viewerGet(url: string, secret: string, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${secret}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = Buffer.from(await res.arrayBuffer());
    const ms = performance.now() - started;
    const error =
      res.status === 200
        ? null
        : `HTTP ${res.status}: ${(JSON.parse(body.toString('utf8')) as { error?: string }).error}`;
    return { ms, bytes: body.length, error };
  } catch (err) {
    return { ms: performance.now() - started, bytes: 0, error: `http: ${(err as Error).message}` };
  }
}

async function stdioSession(
  cli: string,
  target: Target,
): Promise<{ session: Session; pid: number; stderr: () => string }> {
  const db = dbArgs(target);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cli, '--log-level', 'warn', ...db.args],
    env: db.env as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-50_000)));
  const client = new Client({ name: 'worst-case', version: '1.0.0' });
  await client.connect(transport);
  return { session: sessionOf(client), pid: transport.pid!, stderr: () => stderr };
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : 0;
  } catch {
    return 0;
  }
}

/** Runs `work` while `probe` repeats back to back; returns the longest probe (ms). */
async function whileProbing<T>(
  probe: (() => Promise<unknown>) | undefined,
  work: () => Promise<T>,
): Promise<{ value: T; maxMs: number | null }> {
  if (probe === undefined) return { value: await work(), maxMs: null };
  let running = true;
  let maxMs = 0;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        await probe();
      } catch {
        // A failed probe still counts for its time; the run's own checks report failures.
      }
      maxMs = Math.max(maxMs, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  let value: T;
  try {
    value = await work();
  } finally {
    running = false;
    await loop; // the probe in flight when the work ended counts too
  }
  return { value, maxMs };
}

interface Started {
  attacker: Session;
  bystander: Session;
  pid: number;
  health: (() => Promise<unknown>) | undefined;
  stderr: () => string;
  stop: () => Promise<void>;
}

async function start(o: HarnessOptions, tokens: { alice: string; bob: string } | undefined): Promise<Started> {
  if (o.transport === 'stdio') {
    const started = await stdioSession(o.cli, o.target);
    return {
      attacker: started.session,
      bystander: started.session,
      pid: started.pid,
      health: undefined,
      stderr: started.stderr,
      stop: () => started.session.close(),
    };
  }
  const server = await startHttp(o.cli, o.target);
  const attacker = await httpSession(server.url, tokens!.alice);
  const bystander = await httpSession(server.url, tokens!.bob);
  const origin = new URL(server.url).origin;
  return {
    attacker,
    bystander,
    pid: server.child.pid!,
    health: async () => (await fetch(`${origin}/healthz`)).arrayBuffer(),
    stderr: server.stderr,
    async stop() {
      await Promise.allSettled([attacker.close(), bystander.close()]);
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await new Promise((r) => server.child.once('exit', r));
      }
    },
  };
}

export async function runWorstCases(o: HarnessOptions): Promise<CaseResult[]> {
  const log = o.log ?? (() => {});
  const timeout = o.requestTimeoutMs ?? 120_000;
  const tokens =
    o.transport === 'http'
      ? { alice: createToken(o.cli, o.target, 'alice'), bob: createToken(o.cli, o.target, 'bob') }
      : undefined;
  let s = await start(o, tokens);
  const results: CaseResult[] = [];
  try {
    for (const c of o.cases.filter((x) => o.transport === 'http' || x.httpOnly !== true)) {
      log(`${c.id}: setting up`);
      const request = await c.setup({ attacker: s.attacker.caller, bystander: s.bystander.caller, runs: o.runs });
      const pid = s.pid;
      let rssPeakMb = rssMb(pid);
      const rssTimer = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, rssMb(pid))), 20);
      const outcomes: Outcome[] = [];
      let bystanderMaxMs: number | null = null;
      let healthMaxMs: number | null = null;
      const bystanderPing = o.transport === 'http' ? () => s.bystander.ping() : undefined;
      try {
        for (let i = 0; i < o.runs; i++) {
          const probed = await whileProbing(bystanderPing, () =>
            whileProbing(s.health, () => s.attacker.send(request(i), timeout)),
          );
          outcomes.push(probed.value.value);
          if (probed.maxMs !== null) bystanderMaxMs = Math.max(bystanderMaxMs ?? 0, probed.maxMs);
          if (probed.value.maxMs !== null) healthMaxMs = Math.max(healthMaxMs ?? 0, probed.value.maxMs);
        }
      } finally {
        clearInterval(rssTimer);
      }
      const sessionAlive = await Promise.race([
        s.attacker.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((r) => setTimeout(() => r(false), 30_000).unref()),
      ]);
      results.push({
        id: c.id,
        kind: c.kind,
        what: c.what,
        outcomes,
        bystanderMaxMs,
        healthMaxMs,
        rssPeakMb,
        sessionAlive,
      });
      const last = outcomes.at(-1)!;
      log(
        `${c.id}: ${outcomes.map((x) => Math.round(x.ms)).join('/')} ms, ${last.bytes} bytes, bystander max ${bystanderMaxMs === null ? '-' : Math.round(bystanderMaxMs)} ms, ` +
          `rss ${rssPeakMb} MB${last.error ? `, error: ${last.error.slice(0, 160)}` : ''}${sessionAlive ? '' : ', SESSION LOST'}`,
      );
      if (!sessionAlive) {
        // Measure the remaining cases on a fresh session; the result above records the loss.
        log(`server stderr (tail):\n${s.stderr().slice(-1500)}`);
        await s.stop();
        s = await start(o, tokens);
      }
    }
  } finally {
    await s.stop();
  }
  return results;
}
