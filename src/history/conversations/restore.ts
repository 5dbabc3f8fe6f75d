import { recordEvent } from '../core/audit.js';
import { HistoryError } from '../core/errors.js';
import { int, toConversationView } from '../core/rows.js';
import { addUsage, checkQuota } from '../core/usage.js';
import { parseInput } from '../core/validate.js';
import { inOwnerTransaction } from '../core/write-transaction.js';
import type { Scope } from '../scope.js';
import { conversationRefSchema, type RestoredView } from './schemas.js';

/**
 * restore_conversation: a conversation from the trash back to life, before its purge time,
 * whole (its messages were never touched). It must fit the quotas again, as the trash does not
 * count. Its key comes back unless a live conversation took it meanwhile (get-or-create made a
 * new one): then it comes back without a key, and key_restored says so. Restoring is activity
 * (updated_at), so retention does not take it straight back; an expiry already past is cleared
 * for the same reason.
 */
export async function restoreConversation(s: Scope, raw: unknown): Promise<RestoredView> {
  const { conversation_id: id } = parseInput(conversationRefSchema, raw);
  return inOwnerTransaction(s, async (tx, { usage, now }) => {
    const rows = await tx.$queryRaw<
      Array<{ bytes: number | bigint; message_count: number | bigint; trashed_key: string | null }>
    >`
      UPDATE conversations
      SET deleted_at = NULL, purge_at = NULL, updated_at = ${now},
          expires_at = CASE WHEN expires_at <= ${now} THEN NULL ELSE expires_at END
      WHERE id = ${id} AND owner = ${s.owner} AND deleted_at IS NOT NULL AND purge_at > ${now}
      RETURNING bytes, message_count, trashed_key`;
    const row = rows[0];
    if (row === undefined) throw notInTrash(id);
    const bytes = int(row.bytes);
    checkQuota(usage, { conversations: 1, bytes }, 'restoring it');

    let keyRestored = true;
    if (row.trashed_key !== null) {
      const taken = await tx.conversation.count({ where: { owner: s.owner, key: row.trashed_key } });
      keyRestored = taken === 0;
      await tx.conversation.update({
        where: { id },
        data: { trashedKey: null, ...(keyRestored && { key: row.trashed_key }) },
      });
    }
    await addUsage(tx, s.owner, { conversations: 1, bytes });
    await recordEvent(tx, s.owner, s.actor, now, {
      operation: 'restore',
      conversationId: id,
      messages: int(row.message_count),
      bytes,
      outcome: keyRestored ? 'ok' : 'key_taken',
    });
    const restored = await tx.conversation.findUniqueOrThrow({ where: { id } });
    return { conversation: toConversationView(restored), key_restored: keyRestored };
  });
}

function notInTrash(id: string): HistoryError {
  return new HistoryError(
    'not_found',
    `conversation ${id} not found: only a conversation in the trash can be restored, and conversation_id must be ` +
      'an id from list_conversations with trash: true (a conversation leaves the trash for good at its purge_at)',
    'conversation_id',
  );
}
