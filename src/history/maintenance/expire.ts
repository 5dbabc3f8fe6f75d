import { empty, join, sql } from '../../db/sql.js';
import type { Sql } from '../../db/types.js';
import { removeConversation } from '../conversations/trash.js';
import type { Actor } from '../core/actor.js';
import { DAY_MS } from '../core/policy.js';
import { instant } from '../core/rows.js';
import { type MaintenanceContext, ownerTransaction, stopped, yieldTurn } from './context.js';

export interface ExpireRun {
  now: Date;
  actor: Actor;
  batchSize: number;
  signal?: AbortSignal;
}

/**
 * Retention: every live conversation whose expires_at is at or before `now`, and with
 * --retain-days every live conversation without activity (updated_at) for that long, goes to
 * the trash exactly as delete_conversation sends it there (removeConversation: the key moves
 * out, the usage is freed, one 'expire' event each; with a trash window of 0 it is deleted at
 * once). Answers how many conversations expired.
 */
export async function expireDue(ctx: MaintenanceContext, run: ExpireRun): Promise<number> {
  const cutoff = ctx.policy.retainDays === null ? null : new Date(run.now.getTime() - ctx.policy.retainDays * DAY_MS);
  let expired = await expireByDeadline(ctx, run, cutoff);
  if (cutoff !== null) expired += await expireIdle(ctx, run, cutoff);
  return expired;
}

/** The expires_at queue, across owners, through its own index; keyset on (expires_at, id). */
async function expireByDeadline(ctx: MaintenanceContext, run: ExpireRun, cutoff: Date | null): Promise<number> {
  let expired = 0;
  let after: { at: Date; id: string } | null = null;
  while (!stopped(run.signal)) {
    const p = after;
    // Trashed conversations keep their expires_at, so they are in the range: the keyset reads
    // each at most once per sweep instead of once per batch.
    const rows: Array<{ id: string; owner: string; expires_at: Date | string }> = await ctx.db.$queryRaw`
      SELECT id, owner, expires_at FROM conversations
      WHERE expires_at <= ${run.now} AND deleted_at IS NULL
        ${p === null ? empty : sql`AND (expires_at > ${p.at} OR (expires_at = ${p.at} AND id > ${p.id}))`}
      ORDER BY expires_at, id LIMIT ${run.batchSize}`;
    const byOwner = new Map<string, string[]>();
    for (const r of rows) byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), r.id]);
    for (const [owner, ids] of byOwner) {
      if (stopped(run.signal)) break;
      expired += await trashExpired(ctx, run, owner, ids, cutoff);
      await yieldTurn();
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < run.batchSize) break;
    after = { at: instant(last.expires_at), id: last.id };
  }
  return expired;
}

/**
 * Conversations idle since before `cutoff`. No index on updated_at alone (every append would
 * pay for it): owners are walked from owner_usage in keyset batches, and each owner's idle
 * conversations read from the (owner, updated_at, id) index that lists them anyway.
 */
async function expireIdle(ctx: MaintenanceContext, run: ExpireRun, cutoff: Date): Promise<number> {
  let expired = 0;
  let afterOwner = '';
  while (!stopped(run.signal)) {
    const owners: Array<{ owner: string }> = await ctx.db.$queryRaw`
      SELECT owner FROM owner_usage WHERE owner > ${afterOwner} AND conversations > 0
      ORDER BY owner LIMIT ${run.batchSize}`;
    for (const { owner } of owners) {
      if (stopped(run.signal)) break;
      expired += await expireIdleOfOwner(ctx, run, owner, cutoff);
    }
    const last = owners.at(-1);
    if (last === undefined || owners.length < run.batchSize) break;
    afterOwner = last.owner;
  }
  return expired;
}

async function expireIdleOfOwner(ctx: MaintenanceContext, run: ExpireRun, owner: string, cutoff: Date) {
  let expired = 0;
  let after: { at: Date; id: string } | null = null;
  while (!stopped(run.signal)) {
    const p = after;
    const rows: Array<{ id: string; updated_at: Date | string }> = await ctx.db.$queryRaw`
      SELECT id, updated_at FROM conversations
      WHERE owner = ${owner} AND updated_at < ${cutoff} AND deleted_at IS NULL
        ${p === null ? empty : sql`AND (updated_at > ${p.at} OR (updated_at = ${p.at} AND id > ${p.id}))`}
      ORDER BY updated_at, id LIMIT ${run.batchSize}`;
    if (rows.length > 0) {
      expired += await trashExpired(
        ctx,
        run,
        owner,
        rows.map((r) => r.id),
        cutoff,
      );
      await yieldTurn();
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < run.batchSize) break;
    after = { at: instant(last.updated_at), id: last.id };
  }
  return expired;
}

/**
 * One owner transaction for a batch of that owner's candidates. Under the owner's lock the
 * condition is read again: an append (activity) or an update of expires_at that committed
 * since the candidates were listed keeps the conversation live.
 */
async function trashExpired(
  ctx: MaintenanceContext,
  run: ExpireRun,
  owner: string,
  ids: string[],
  cutoff: Date | null,
): Promise<number> {
  const idle: Sql = cutoff === null ? empty : sql`OR updated_at < ${cutoff}`;
  return ownerTransaction(ctx, owner, async (tx) => {
    const still: Array<{ id: string }> = await tx.$queryRaw`
      SELECT id FROM conversations
      WHERE id IN (${join(ids)}) AND owner = ${owner} AND deleted_at IS NULL
        AND (expires_at <= ${run.now} ${idle})
      ORDER BY id`;
    let n = 0;
    for (const { id } of still) {
      const done = await removeConversation(tx, {
        owner,
        id,
        now: run.now,
        policy: ctx.policy,
        actor: run.actor,
        operation: 'expire',
      });
      if (done !== null) n++;
    }
    return n;
  });
}
