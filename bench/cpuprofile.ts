/**
 * Where the server's CPU goes, per operation: the real server (dist/cli.js over stdio) runs
 * with V8's sampling profiler (--cpu-prof); only samples taken while the timed calls ran are
 * kept (the profile's timestamps and this process's hrtime share CLOCK_MONOTONIC), and each
 * sample's self time is charged to a component by the script it is in. Sampling measures
 * where the server's main thread is when it runs; the shares are then scaled to the process's
 * measured CPU time over the same window (/proc), because on a busy machine a sample's wall
 * span also covers time the thread was descheduled.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { OpSpec } from './ops.js';
import { open, ourServer } from './server.js';
import { round1 } from './stats.js';

export const COMPONENTS = [
  'sqlite (driver + native)',
  'prisma query compiler (wasm)',
  'prisma runtime (js)',
  'zod',
  'mcp sdk',
  'server code (dist)',
  'tokenizer',
  'node (streams, json, timers)',
  'gc',
  'other',
] as const;
export type Component = (typeof COMPONENTS)[number];

export interface CpuBreakdown {
  calls: number;
  /** Server CPU µs per call (all threads, from /proc), split by the profiler's shares. */
  us_per_call: Partial<Record<Component, number>>;
  cpu_us_per_call: number;
  /** Share of the timed wall time the server's main thread sat idle (waiting for the pipe). */
  idle_share: number;
}

interface Frame {
  functionName: string;
  url: string;
}

function component(f: Frame): Component | 'idle' {
  const u = f.url;
  if (f.functionName === '(idle)') return 'idle';
  if (f.functionName === '(garbage collector)') return 'gc';
  // The profiler charges native time to the JS frame that called it: the adapter's, or the
  // server's statement cache (src/db/sqlite/statement-cache.ts), whose closures only call in.
  if (u.includes('better-sqlite3') || u.includes('/db/sqlite/statement-cache.')) return 'sqlite (driver + native)';
  if (
    u.startsWith('wasm') ||
    f.functionName.startsWith('wasm-') ||
    f.functionName.includes('-to-wasm') ||
    u.includes('query_compiler')
  ) {
    return 'prisma query compiler (wasm)';
  }
  if (u.includes('/@prisma/') || u.includes('/generated/')) return 'prisma runtime (js)';
  if (u.includes('/zod/')) return 'zod';
  if (u.includes('@modelcontextprotocol/sdk')) return 'mcp sdk';
  if (u.includes('gpt-tokenizer')) return 'tokenizer';
  if (u.includes('/dist/') && !u.includes('node_modules')) return 'server code (dist)';
  if (u.startsWith('node:') || u === '' || f.functionName === '(program)') return 'node (streams, json, timers)';
  return 'other';
}

interface Profile {
  nodes: { id: number; callFrame: Frame }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

function analyse(profile: Profile, fromUs: number, toUs: number, calls: number, cpuUs: number): CpuBreakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, component(n.callFrame)]));
  const sums = new Map<Component | 'idle', number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample's time is the gap to the next one.
    const span = profile.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const c = byId.get(profile.samples[i]!) ?? 'other';
    sums.set(c, (sums.get(c) ?? 0) + span);
  }
  const idle = sums.get('idle') ?? 0;
  sums.delete('idle');
  const busy = [...sums.values()].reduce((a, b) => a + b, 0);
  const us_per_call: Partial<Record<Component, number>> = {};
  for (const c of COMPONENTS)
    if (sums.has(c)) us_per_call[c] = round1(((sums.get(c)! / Math.max(1, busy)) * cpuUs) / calls);
  return {
    calls,
    us_per_call,
    cpu_us_per_call: round1(cpuUs / calls),
    idle_share: Math.round((idle / Math.max(1, busy + idle)) * 100) / 100,
  };
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** One server session per operation, so each profile holds that operation's calls only. */
export async function cpuProfiles(
  dbPath: string,
  ops: readonly OpSpec[],
  dir: string,
): Promise<Record<string, CpuBreakdown>> {
  const out: Record<string, CpuBreakdown> = {};
  for (const [k, op] of ops.entries()) {
    const profDir = join(dir, `cpuprof-${k}`);
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
    const spec = ourServer(dbPath);
    spec.args.unshift('--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '250');
    const s = await open(spec);
    let from = 0;
    let to = 0;
    let calls = 0;
    let cpuMs = 0;
    try {
      // As many warm-up calls as the timed runs had, so the JIT is as warm as there.
      const warm = op.plan.warmup;
      for (let i = 0; i < warm; i++) await s.call(op.tool, op.args(i, 'cpu'));
      const want = op.writes >= 100 ? 50 : 300;
      from = nowUs();
      const cpu0 = s.cpuMs();
      const until = performance.now() + 5000;
      while (calls < want && (calls < 10 || performance.now() < until))
        await s.call(op.tool, op.args(warm + calls++, 'cpu'));
      cpuMs = s.cpuMs() - cpu0;
      to = nowUs();
    } finally {
      await s.close();
    }
    const file = await waitForFile(profDir);
    out[op.label] = analyse(JSON.parse(readFileSync(file, 'utf8')) as Profile, from, to, calls, cpuMs * 1000);
    rmSync(profDir, { recursive: true, force: true });
  }
  return out;
}

async function waitForFile(dir: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const f = existsSync(dir) ? readdirSync(dir).find((x) => x.endsWith('.cpuprofile')) : undefined;
    if (f) {
      // Written at exit: wait until it parses.
      const path = join(dir, f);
      try {
        JSON.parse(readFileSync(path, 'utf8'));
        return path;
      } catch {
        /* still being written */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no CPU profile written in ${dir}`);
}
