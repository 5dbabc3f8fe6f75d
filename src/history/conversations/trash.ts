import type { Actor } from '../core/actor.js';
import type { AuditOperation } from '../core/audit.js';
import { recordEvent } from '../core/audit.js';
import { daysAfter, type Policy } from '../core/policy.js';
import { int } from '../core/rows.js';
import { addUsage } from '../core/usage.js';
import type { Tx } from '../scope.js';

export interface Removed {
  messages: number;
  bytes: number;
  /** When the trash purges it; null when it was deleted at once (trash window 0). */
  purgeAt: Date | null;
}

/**
 * Take one live conversation of `owner` out of every read, inside an owner transaction
 * (inOwnerTransaction: the usage row is locked): into the trash until now + trashDays, or with
 * a trash window of 0 deleted at once with everything in it (ON DELETE CASCADE). Its key moves
 * to trashed_key, so a new conversation may take the key meanwhile. Its share of the usage is
 * freed either way, and one audit event is recorded. Null when there is no such live conversation.
 *
 * Used by delete_conversation and by the retention sweep (operation 'expire').
 */
export async function removeConversation(
  tx: Tx,
  c: { owner: string; id: string; now: Date; policy: Policy; actor: Actor; operation: AuditOperation },
): Promise<Removed | null> {
  const purgeAt = c.policy.trashDays === 0 ? null : daysAfter(c.now, c.policy.trashDays);
  const rows =
    purgeAt === null
      ? await tx.$queryRaw<RemovedRow[]>`
          DELETE FROM conversations WHERE id = ${c.id} AND owner = ${c.owner} AND deleted_at IS NULL
          RETURNING message_count, bytes`
      : await tx.$queryRaw<RemovedRow[]>`
          UPDATE conversations SET deleted_at = ${c.now}, purge_at = ${purgeAt}, trashed_key = key, key = NULL
          WHERE id = ${c.id} AND owner = ${c.owner} AND deleted_at IS NULL
          RETURNING message_count, bytes`;
  const row = rows[0];
  if (row === undefined) return null;
  const removed = { messages: int(row.message_count), bytes: int(row.bytes), purgeAt };
  await addUsage(tx, c.owner, { conversations: -1, bytes: -removed.bytes });
  await recordEvent(tx, c.owner, c.actor, c.now, {
    operation: c.operation,
    conversationId: c.id,
    messages: removed.messages,
    bytes: removed.bytes,
    outcome: purgeAt === null ? 'deleted' : 'trashed',
  });
  return removed;
}

interface RemovedRow {
  message_count: number | bigint;
  bytes: number | bigint;
}
