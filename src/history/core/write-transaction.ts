import type { Scope, Tx } from '../scope.js';
import { withRetry } from './retry.js';
import { lockUsage, type OwnerUsage } from './usage.js';

export interface OwnerWrite {
  /** The owner's usage, locked until the transaction ends: quota checks against it are exact. */
  usage: OwnerUsage;
  /** The transaction's timestamp: updated_at, created_at, the audit event's time. */
  now: Date;
}

/**
 * A retried interactive transaction for one write of the owner. Its first statement locks the
 * owner's usage row (lockUsage): on SQLite that write takes the write lock at once, so other
 * processes queue on busy_timeout instead of failing on a stale snapshot; on PostgreSQL all
 * writers of an owner lock in the same order. `work` makes the change, keeps the usage row
 * right, and records the audit event, all with `tx`: they commit together or not at all.
 */
export function inOwnerTransaction<T>(
  s: Pick<Scope, 'db' | 'owner' | 'policy' | 'tx'>,
  work: (tx: Tx, write: OwnerWrite) => Promise<T>,
): Promise<T> {
  return withRetry(() =>
    s.db.$transaction(async (tx) => {
      const now = new Date();
      const usage = await lockUsage(tx, s.owner, s.policy);
      return work(tx, { usage, now });
    }, s.tx),
  );
}
