import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Prisma error codes that mean "the database was busy, nothing was written":
 * P1008 — SQLite SQLITE_BUSY surfaced as a timeout (another process held the write lock
 *         longer than busy_timeout, or a deferred transaction lost its snapshot);
 * P2028 — the transaction could not start in time (the client's queue was long);
 * P2034 — write conflict or deadlock (PostgreSQL), the transaction was rolled back.
 * Retrying them is safe because the failed attempt was rolled back as a whole.
 */
const TRANSIENT = new Set(['P1008', 'P2028', 'P2034']);

export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT.has(code);
}

export interface RetryOptions {
  attempts: number;
  /** Upper bound of the first random delay; doubles each time. */
  baseDelayMs: number;
}

export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: RetryOptions = { attempts: 8, baseDelayMs: 20 },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= opts.attempts || !isTransient(err)) throw err;
      // Random (jittered) delay so competing processes do not retry in lockstep.
      await sleep(Math.random() * opts.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
