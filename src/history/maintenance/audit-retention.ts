import { DAY_MS } from '../core/policy.js';
import { type MaintenanceContext, stopped, yieldTurn } from './context.js';

/**
 * Audit events older than --audit-retain-days are deleted, oldest first, `batchSize` per
 * statement through the (at) index; nothing when events are kept forever. One statement per
 * batch, writing first: it queues for SQLite's write lock like any writer, and on PostgreSQL
 * it touches no row another writer locks (events are only ever inserted). Answers how many.
 */
export async function pruneAudit(
  ctx: MaintenanceContext,
  o: { now: Date; batchSize: number; signal?: AbortSignal },
): Promise<number> {
  if (ctx.policy.auditRetainDays === null) return 0;
  const cutoff = new Date(o.now.getTime() - ctx.policy.auditRetainDays * DAY_MS);
  let deleted = 0;
  while (!stopped(o.signal)) {
    const n = await ctx.db.$executeRaw`
      DELETE FROM audit_events WHERE id IN (
        SELECT id FROM audit_events WHERE at < ${cutoff} ORDER BY at LIMIT ${o.batchSize})`;
    deleted += n;
    if (n < o.batchSize) break;
    await yieldTurn();
  }
  return deleted;
}
