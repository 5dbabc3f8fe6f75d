import type { Prisma } from '../generated/sqlite/client.js';
import { isRecordNotFound } from './conversations.js';
import { conversationNotFound } from './errors.js';
import { withRetry } from './retry.js';
import type { Scope, Tx } from './scope.js';

export interface Locked {
  /** message_count after the first statement's update. */
  messageCount: number;
  /** The transaction's timestamp, also written as updated_at. */
  now: Date;
}

/**
 * A retried transaction on one of the owner's conversations whose FIRST statement writes the
 * conversation row (one UPDATE … RETURNING, bumping updated_at plus `change`). On SQLite that
 * takes the write lock up front, so writers from other processes queue on busy_timeout instead
 * of failing on a stale read snapshot; every read in `work` is consistent because the lock is
 * held. The update also proves the conversation exists and is the owner's: otherwise the
 * caller gets "conversation … not found", as for a missing one.
 */
export async function inConversationTransaction<T>(
  s: Scope,
  conversationId: string,
  change: Omit<Prisma.ConversationUpdateInput, 'updatedAt'>,
  work: (tx: Tx, locked: Locked) => Promise<T>,
): Promise<T> {
  try {
    return await withRetry(() =>
      s.db.$transaction(async (tx) => {
        const now = new Date();
        const { messageCount } = await tx.conversation.update({
          where: { id: conversationId, owner: s.owner },
          data: { ...change, updatedAt: now },
          select: { messageCount: true },
        });
        return work(tx, { messageCount, now });
      }, s.tx),
    );
  } catch (err) {
    throw isRecordNotFound(err) ? conversationNotFound(conversationId) : err;
  }
}
