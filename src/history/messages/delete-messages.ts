import { dropSummariesFrom } from '../context/summary.js';
import { recordEvent } from '../core/audit.js';
import { conversationNotFound } from '../core/errors.js';
import { int } from '../core/rows.js';
import { addUsage } from '../core/usage.js';
import { invalidField, parseInput } from '../core/validate.js';
import { inOwnerTransaction } from '../core/write-transaction.js';
import type { Scope } from '../scope.js';
import { deleteMessagesInputSchema, type RewoundView } from './schemas.js';

/**
 * Remove messages from_seq..end, so the next append continues at from_seq. Immediate (no
 * trash), in one owner transaction that writes before it reads, like an append, so it
 * serialises with them; audited with the removed seq range, count and bytes, which are freed
 * from the owner's usage. Idempotency records of the removed appends go too (a retry must
 * store again, not replay ids that no longer exist), and so does a summary that covers
 * removed messages.
 */
export async function deleteMessages(s: Scope, raw: unknown): Promise<RewoundView> {
  const { conversation_id: id, from_seq: from } = parseInput(deleteMessagesInputSchema, raw);
  return inOwnerTransaction(s, async (tx, { now }) => {
    const updated = await tx.conversation.updateMany({
      where: { id, owner: s.owner, deletedAt: null, messageCount: { gte: from } },
      data: { messageCount: from - 1, updatedAt: now },
    });
    if (updated.count === 0) {
      const existing = await tx.conversation.findFirst({
        where: { id, owner: s.owner, deletedAt: null },
        select: { messageCount: true },
      });
      if (!existing) throw conversationNotFound(id);
      throw invalidField(
        ['from_seq'],
        `from_seq ${from} is beyond the last message (seq ${existing.messageCount}); nothing to delete`,
      );
    }
    const [removed] = await tx.$queryRaw<Array<{ bytes: number | bigint | null }>>`
      SELECT SUM(bytes) AS bytes FROM messages WHERE conversation_id = ${id} AND seq >= ${from}`;
    const bytes = int(removed?.bytes ?? 0);
    // Tool calls of these messages go with them (ON DELETE CASCADE).
    const { count } = await tx.message.deleteMany({ where: { conversationId: id, seq: { gte: from } } });
    await tx.$executeRaw`UPDATE conversations SET bytes = bytes - ${bytes} WHERE id = ${id}`;
    // An append's recorded message_count is the seq of its last message.
    await tx.$executeRaw`DELETE FROM idempotency_keys WHERE conversation_id = ${id} AND ${s.dialect.recordedMessageCount} >= ${from}`;
    // A summary covering removed messages would describe a past that no longer exists.
    await dropSummariesFrom(tx, id, from);
    await addUsage(tx, s.owner, { bytes: -bytes });
    await recordEvent(tx, s.owner, s.actor, now, {
      operation: 'rewind',
      conversationId: id,
      firstSeq: from,
      lastSeq: from - 1 + count,
      messages: count,
      bytes,
    });
    return { conversation_id: id, deleted_messages: count, message_count: from - 1 };
  });
}
