import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Dialect, HistoryDb } from '../../db/types.js';
import type { Policy } from '../core/policy.js';
import type { OwnerUsage } from '../core/usage.js';
import { inOwnerTransaction } from '../core/write-transaction.js';
import type { Tx } from '../scope.js';

/**
 * What the operator's maintenance needs: the whole database (it is not one owner's view), the
 * policy it applies, and the transaction timeouts of the store.
 */
export interface MaintenanceContext {
  db: HistoryDb;
  /** The backend's SQL where it differs (the search index's compaction after an erase). */
  dialect: Dialect;
  policy: Policy;
  tx: { maxWait: number; timeout: number };
}

/**
 * A retried transaction on one owner's data that locks the owner's usage row first: the rule
 * every write transaction of an owner follows (inOwnerTransaction), so maintenance queues
 * behind the owner's writers on SQLite and cannot deadlock with them on PostgreSQL.
 */
export function ownerTransaction<T>(
  ctx: MaintenanceContext,
  owner: string,
  work: (tx: Tx, usage: OwnerUsage) => Promise<T>,
): Promise<T> {
  return inOwnerTransaction({ ...ctx, owner }, (tx, { usage }) => work(tx, usage));
}

/**
 * Let the event loop serve others between two short transactions: maintenance shares the
 * process (and on SQLite the write lock) with every owner's requests.
 */
export function yieldTurn(): Promise<void> {
  return nextTurn();
}

/** Whether to stop: a long run asks between two transactions, and keeps what it did so far. */
export function stopped(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
