import { dropSummariesFrom } from '../context/summary.js';
import { conversationNotFound } from '../core/errors.js';
import { withRetry } from '../core/retry.js';
import { invalidField, parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import { deleteMessagesInputSchema, type RewoundView } from './schemas.js';

/**
 * Remove messages from_seq..end, so the next append continues at from_seq. One transaction
 * that starts with the write (the count update), like an append, so it serialises with them.
 * Idempotency records of the removed appends go too (a retry must store again, not replay
 * ids that no longer exist), and so does a summary that covers removed messages.
 */
export async function deleteMessages(s: Scope, raw: unknown): Promise<RewoundView> {
  const { conversation_id: id, from_seq: from } = parseInput(deleteMessagesInputSchema, raw);
  return withRetry(() =>
    s.db.$transaction(async (tx) => {
      const updated = await tx.conversation.updateMany({
        where: { id, owner: s.owner, messageCount: { gte: from } },
        data: { messageCount: from - 1, updatedAt: new Date() },
      });
      if (updated.count === 0) {
        const existing = await tx.conversation.findFirst({
          where: { id, owner: s.owner },
          select: { messageCount: true },
        });
        if (!existing) throw conversationNotFound(id);
        throw invalidField(
          ['from_seq'],
          `from_seq ${from} is beyond the last message (seq ${existing.messageCount}); nothing to delete`,
        );
      }
      // Tool calls of these messages go with them (ON DELETE CASCADE).
      const { count } = await tx.message.deleteMany({ where: { conversationId: id, seq: { gte: from } } });
      // An append's recorded message_count is the seq of its last message.
      await tx.$executeRaw`DELETE FROM idempotency_keys WHERE conversation_id = ${id} AND ${s.dialect.recordedMessageCount} >= ${from}`;
      // A summary covering removed messages would describe a past that no longer exists.
      await dropSummariesFrom(tx, id, from);
      return { conversation_id: id, deleted_messages: count, message_count: from - 1 };
    }, s.tx),
  );
}
