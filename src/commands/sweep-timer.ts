import type { SweepOptions, SweepResult } from '../history/maintenance/sweep.js';
import type { Logger } from '../logger.js';

/** The first sweep waits this long after start: the server answers its client first. */
export const FIRST_SWEEP_DELAY_MS = 2_000;

export interface SweepTimer {
  /** No further sweep starts; a running one stops at its next transaction and is awaited. */
  stop(): Promise<void>;
}

/**
 * The retention sweep inside a server: once shortly after start, then every `intervalSeconds`
 * after the previous one ended (a chain of timeouts, not an interval: never two at once, and a
 * long sweep delays the next instead of piling up). The timers are unref'd: they never keep
 * the process alive. A failed sweep is logged at warn and tried again next time; the server
 * goes on. One info line only when a sweep did something. `intervalSeconds` 0: no sweeps.
 */
export function startSweeps(o: {
  sweep: (options: SweepOptions) => Promise<SweepResult>;
  intervalSeconds: number;
  logger: Logger;
  firstDelayMs?: number;
}): SweepTimer {
  if (o.intervalSeconds === 0) return { stop: async () => undefined };
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const schedule = (delayMs: number) => {
    if (abort.signal.aborted) return;
    timer = setTimeout(() => {
      running = once().finally(() => {
        running = undefined;
        schedule(o.intervalSeconds * 1000);
      });
    }, delayMs);
    timer.unref();
  };

  const once = async () => {
    const started = Date.now();
    try {
      const r = await o.sweep({ signal: abort.signal });
      if (r.expired + r.purged + r.auditEventsDeleted > 0) {
        o.logger.info(
          { expired: r.expired, purged: r.purged, auditEventsDeleted: r.auditEventsDeleted, ms: Date.now() - started },
          'retention sweep',
        );
      }
    } catch (err) {
      o.logger.warn({ err }, 'retention sweep failed; trying again at the next interval');
    }
  };

  schedule(o.firstDelayMs ?? Math.min(FIRST_SWEEP_DELAY_MS, o.intervalSeconds * 1000));
  return {
    async stop() {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
