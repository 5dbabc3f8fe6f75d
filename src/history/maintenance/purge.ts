import { empty, sql } from '../../db/sql.js';
import type { Actor } from '../core/actor.js';
import { recordEvent } from '../core/audit.js';
import { instant, int } from '../core/rows.js';
import { addUsage } from '../core/usage.js';
import { type MaintenanceContext, ownerTransaction, stopped, yieldTurn } from './context.js';

/**
 * Messages deleted per transaction. A conversation may hold 100,000 messages and more; deleting
 * them in one statement would hold the write lock (SQLite: the whole database) for seconds, with
 * a search-index trigger per row. 500 keeps each transaction short.
 */
export const PURGE_CHUNK = 500;

/** What one conversation held when it was deleted for good. */
export interface PurgedConversation {
  messages: number;
  bytes: number;
}

/**
 * Which conversation may be deleted. `due`: in the trash with its purge time reached (the
 * sweep) — re-checked by every chunk, so a conversation restored meanwhile (restore refuses
 * once purge_at has passed, but a clock can differ between processes) is left alone. `any`:
 * live or trashed (erasing an owner).
 */
export type PurgeWhich = { kind: 'due'; now: Date; actor: Actor } | { kind: 'any' };

/**
 * Delete one conversation of `owner` for good: its messages newest first in chunks of
 * PURGE_CHUNK, each chunk its own owner transaction (tool calls, search-index rows go with
 * them through cascades and triggers), the event loop served between chunks. The transaction
 * that finds no message left deletes the conversation row (summary, idempotency keys cascade),
 * frees its usage if it was live, and for a due purge records the one 'purge' event. Null when
 * the conversation is not there (any more) or not due.
 */
export async function purgeConversation(
  ctx: MaintenanceContext,
  owner: string,
  id: string,
  which: PurgeWhich,
  signal?: AbortSignal,
): Promise<PurgedConversation | null> {
  for (;;) {
    const step = await ownerTransaction(ctx, owner, async (tx) => {
      const rows =
        which.kind === 'due'
          ? await tx.$queryRaw<ConversationRow[]>`
              SELECT message_count, bytes, deleted_at FROM conversations
              WHERE id = ${id} AND owner = ${owner} AND deleted_at IS NOT NULL AND purge_at <= ${which.now}`
          : await tx.$queryRaw<ConversationRow[]>`
              SELECT message_count, bytes, deleted_at FROM conversations WHERE id = ${id} AND owner = ${owner}`;
      const row = rows[0];
      if (row === undefined) return { gone: true as const, purged: null };
      const deleted = await tx.$executeRaw`
        DELETE FROM messages WHERE id IN (
          SELECT id FROM messages WHERE conversation_id = ${id} ORDER BY seq DESC LIMIT ${PURGE_CHUNK})`;
      if (deleted === PURGE_CHUNK) return { gone: false as const, purged: null };

      await tx.$executeRaw`DELETE FROM conversations WHERE id = ${id}`;
      const purged = { messages: int(row.message_count), bytes: int(row.bytes) };
      // A live conversation (erase) still counts in the owner's usage; a trashed one no longer does.
      if (row.deleted_at === null) await addUsage(tx, owner, { conversations: -1, bytes: -purged.bytes });
      if (which.kind === 'due') {
        await recordEvent(tx, owner, which.actor, which.now, {
          operation: 'purge',
          conversationId: id,
          messages: purged.messages,
          bytes: purged.bytes,
        });
      }
      return { gone: true as const, purged };
    });
    if (step.gone) return step.purged;
    // Stopping between chunks is safe: the conversation stays in the trash, due, and the next
    // sweep carries on where this one stopped.
    if (stopped(signal)) return null;
    await yieldTurn();
  }
}

/**
 * The sweep's purge: every trashed conversation whose purge time is at or before `now`, oldest
 * purge time first, `batchSize` found per query (the purge_at index). Answers how many were
 * deleted for good.
 */
export async function purgeDue(
  ctx: MaintenanceContext,
  o: { now: Date; actor: Actor; batchSize: number; signal?: AbortSignal },
): Promise<number> {
  let purged = 0;
  // Keyset on (purge_at, id): a conversation that could not be purged (restored or purged by
  // another process meanwhile) is not looked at twice.
  let after: { at: Date; id: string } | null = null;
  while (!stopped(o.signal)) {
    const position = after;
    const due: DueRow[] = await ctx.db.$queryRaw<DueRow[]>`
      SELECT id, owner, purge_at FROM conversations
      WHERE purge_at <= ${o.now} AND deleted_at IS NOT NULL
        ${position === null ? empty : sql`AND (purge_at > ${position.at} OR (purge_at = ${position.at} AND id > ${position.id}))`}
      ORDER BY purge_at, id LIMIT ${o.batchSize}`;
    for (const c of due) {
      if (stopped(o.signal)) break;
      const done = await purgeConversation(ctx, c.owner, c.id, { kind: 'due', now: o.now, actor: o.actor }, o.signal);
      if (done !== null) purged++;
      await yieldTurn();
    }
    const last = due.at(-1);
    if (last === undefined || due.length < o.batchSize) break;
    after = { at: instant(last.purge_at), id: last.id };
  }
  return purged;
}

interface ConversationRow {
  message_count: number | bigint;
  bytes: number | bigint;
  deleted_at: Date | string | null;
}

interface DueRow {
  id: string;
  owner: string;
  purge_at: Date | string;
}
