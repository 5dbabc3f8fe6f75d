import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSince } from '../../src/commands/audit.js';
import { FIRST_SWEEP_DELAY_MS, startSweeps } from '../../src/commands/sweep-timer.js';
import type { SweepOptions, SweepResult } from '../../src/history/maintenance/sweep.js';

/** The server's sweep schedule, on fake timers: what runs when, never how fast. */
function logged() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, logger };
}

const nothing: SweepResult = { expired: 0, purged: 0, auditEventsDeleted: 0 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('server sweeps', () => {
  it('sweeps shortly after start, then every interval after the previous one ended', async () => {
    const { logger } = logged();
    const sweep = vi.fn(async (_o: SweepOptions) => nothing);
    const timer = startSweeps({ sweep, intervalSeconds: 60, logger });
    await vi.advanceTimersByTimeAsync(FIRST_SWEEP_DELAY_MS - 1);
    expect(sweep).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sweep).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    await timer.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(sweep).toHaveBeenCalledTimes(2);
  });

  it('never runs two at once: a long sweep delays the next', async () => {
    const { logger } = logged();
    let release!: () => void;
    let active = 0;
    let most = 0;
    const sweep = vi.fn(async () => {
      active++;
      most = Math.max(most, active);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      active--;
      return nothing;
    });
    const timer = startSweeps({ sweep, intervalSeconds: 1, logger, firstDelayMs: 0 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sweep).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    release();
    await timer.stop();
    expect(most).toBe(1);
  });

  it('logs a failure at warn and carries on; logs info only when a sweep did something', async () => {
    const { lines, logger } = logged();
    const results: Array<SweepResult | Error> = [new Error('database is locked'), nothing, { ...nothing, purged: 2 }];
    const sweep = vi.fn(async () => {
      const next = results.shift()!;
      if (next instanceof Error) throw next;
      return next;
    });
    const timer = startSweeps({ sweep, intervalSeconds: 1, logger, firstDelayMs: 0 });
    await vi.advanceTimersByTimeAsync(2_500);
    await timer.stop();
    expect(sweep).toHaveBeenCalledTimes(3);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'retention sweep failed; trying again at the next interval'],
      [30, 'retention sweep'],
    ]);
    expect(lines[1]).toMatchObject({ expired: 0, purged: 2, auditEventsDeleted: 0 });
  });

  it('stop() aborts a running sweep and waits for it', async () => {
    const { logger } = logged();
    let signal: AbortSignal | undefined;
    let finished = false;
    const sweep = vi.fn(async (o: SweepOptions) => {
      signal = o.signal;
      await new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve()));
      finished = true;
      return nothing;
    });
    const timer = startSweeps({ sweep, intervalSeconds: 60, logger, firstDelayMs: 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(signal?.aborted).toBe(false);
    await timer.stop();
    expect(signal?.aborted).toBe(true);
    expect(finished).toBe(true);
  });

  it('with an interval of 0 never sweeps', async () => {
    const { logger } = logged();
    const sweep = vi.fn(async () => nothing);
    const timer = startSweeps({ sweep, intervalSeconds: 0, logger });
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    await timer.stop();
    expect(sweep).not.toHaveBeenCalled();
  });
});

describe('audit --since', () => {
  const now = new Date('2026-02-01T12:00:00.000Z');
  it('reads an age or an ISO-8601 time', () => {
    expect(parseSince('24h', now).toISOString()).toBe('2026-01-31T12:00:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-01-25T12:00:00.000Z');
    expect(parseSince('30m', now).toISOString()).toBe('2026-02-01T11:30:00.000Z');
    expect(parseSince('2w', now).toISOString()).toBe('2026-01-18T12:00:00.000Z');
    expect(parseSince('2026-01-31', now).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(parseSince('2026-01-31T08:00:00+02:00', now).toISOString()).toBe('2026-01-31T06:00:00.000Z');
  });
  it('refuses anything else, saying what it takes', () => {
    for (const bad of ['yesterday', '7', '7y', '2026-13-45', '']) {
      expect(() => parseSince(bad, now)).toThrow(/--since: .* is neither an ISO-8601 time .* nor an age/);
    }
  });
});
