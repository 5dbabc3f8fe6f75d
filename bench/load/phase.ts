/**
 * A phase: N agent loops run together for a warm-up, then a measured window. Throughput counts
 * the requests that complete inside the window; latencies are those of the same requests.
 * Server CPU per request = CPU the instances used during the window ÷ those requests.
 * Errors are counted from the first request on, warm-up included: every one is a failure.
 */
import { percentile, round1 } from '../stats.js';

export interface OpFigures {
  n: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

export interface PhaseResult {
  phase: string;
  /** Length of the measured window, s. */
  seconds: number;
  /** HTTP requests completed in the window. */
  requests: number;
  requests_per_s: number;
  /** append_messages calls completed in the window. */
  appends: number;
  appends_per_s: number;
  server_cpu_us_per_request: number;
  /** The load generator's own CPU (this process) per request: is the client the bottleneck? */
  client_cpu_us_per_request: number;
  errors: number;
  /** The first distinct error messages (op: message). */
  error_messages: string[];
  ops: Record<string, OpFigures>;
}

const MAX_MESSAGES = 20;
const round2 = (x: number) => Math.round(x * 100) / 100;

export class Recorder {
  /** Agents stop starting requests once this is set. */
  stopped = false;
  private recording = false;
  private readonly durations = new Map<string, number[]>();
  private readonly opErrors = new Map<string, number>();
  requests = 0;
  appends = 0;
  errors = 0;
  readonly messages = new Set<string>();

  startWindow(): void {
    this.recording = true;
  }

  endWindow(): void {
    this.recording = false;
  }

  /**
   * Times one operation. `requests` is how many HTTP requests it makes (initialize is 2).
   * An error is recorded and rethrown: the agent decides how to go on.
   */
  async time<T>(op: string, fn: () => Promise<T>, requests = 1): Promise<T> {
    const t0 = performance.now();
    try {
      const result = await fn();
      if (this.recording) {
        let list = this.durations.get(op);
        if (!list) {
          list = [];
          this.durations.set(op, list);
        }
        list.push(performance.now() - t0);
        this.requests += requests;
        if (op.startsWith('append')) this.appends += 1;
      }
      return result;
    } catch (err) {
      this.errors += 1;
      this.opErrors.set(op, (this.opErrors.get(op) ?? 0) + 1);
      const message = `${op}: ${err instanceof Error ? err.message : String(err)}`;
      if (this.messages.size < MAX_MESSAGES) this.messages.add(message);
      throw err;
    }
  }

  ops(): Record<string, OpFigures> {
    const out: Record<string, OpFigures> = {};
    for (const op of new Set([...this.durations.keys(), ...this.opErrors.keys()])) {
      const sorted = (this.durations.get(op) ?? []).sort((a, b) => a - b);
      out[op] = {
        n: sorted.length,
        p50_ms: sorted.length ? round2(percentile(sorted, 50)) : 0,
        p99_ms: sorted.length ? round2(percentile(sorted, 99)) : 0,
        errors: this.opErrors.get(op) ?? 0,
      };
    }
    return out;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runPhase(
  phase: string,
  agents: number,
  timing: { warmupSeconds: number; seconds: number },
  serverCpuMs: () => number,
  loop: (agent: number, rec: Recorder) => Promise<void>,
): Promise<PhaseResult> {
  const rec = new Recorder();
  const loops = Array.from({ length: agents }, (_, i) => loop(i, rec));
  await sleep(timing.warmupSeconds * 1000);
  const cpu0 = serverCpuMs();
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  rec.startWindow();
  await sleep(timing.seconds * 1000);
  rec.endWindow();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = serverCpuMs() - cpu0;
  const client = process.cpuUsage(client0);
  rec.stopped = true;
  await Promise.all(loops);
  const per = (x: number) => (rec.requests ? Math.round(x / rec.requests) : 0);
  return {
    phase,
    seconds: round1(seconds),
    requests: rec.requests,
    requests_per_s: Math.round(rec.requests / seconds),
    appends: rec.appends,
    appends_per_s: Math.round(rec.appends / seconds),
    server_cpu_us_per_request: per(cpu * 1000),
    client_cpu_us_per_request: per(client.user + client.system),
    errors: rec.errors,
    error_messages: [...rec.messages],
    ops: rec.ops(),
  };
}
