import { type Actor, SWEEP_ACTOR } from '../core/actor.js';
import { pruneAudit } from './audit-retention.js';
import type { MaintenanceContext } from './context.js';
import { expireDue } from './expire.js';
import { purgeDue } from './purge.js';

export interface SweepOptions {
  /** The sweep's clock: what is due is due at this instant (tests move it; default: now). */
  now?: Date;
  /** Conversations or events per query and per transaction (default 100). */
  batchSize?: number;
  /** Who the audit trail names: the server's sweep, or the operator's `purge` command. */
  actor?: Actor;
  /** Stop between two transactions (server shutdown); what was done stays done. */
  signal?: AbortSignal;
}

export interface SweepResult {
  /** Conversations moved to the trash (or deleted, with a trash window of 0) by retention. */
  expired: number;
  /** Trashed conversations deleted for good. */
  purged: number;
  auditEventsDeleted: number;
}

export const DEFAULT_BATCH = 100;

/**
 * Retention, all of it, until nothing due is left: expire first, so that with a trash window
 * of 0 or a due purge time what expired now is also purged in the same sweep; then the trash;
 * then the audit trail. Every step is a bounded transaction.
 */
export async function sweep(ctx: MaintenanceContext, options: SweepOptions = {}): Promise<SweepResult> {
  const run = {
    now: options.now ?? new Date(),
    actor: options.actor ?? SWEEP_ACTOR,
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    ...(options.signal !== undefined && { signal: options.signal }),
  };
  const expired = await expireDue(ctx, run);
  const purged = await purgeDue(ctx, run);
  const auditEventsDeleted = await pruneAudit(ctx, run);
  return { expired, purged, auditEventsDeleted };
}
