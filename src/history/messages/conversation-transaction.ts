import { conversationNotFound } from '../core/errors.js';
import { withRetry } from '../core/retry.js';
import { int } from '../core/rows.js';
import type { Scope, Tx } from '../scope.js';

export interface Locked {
  /** message_count after the first statement's update. */
  messageCount: number;
  /** The transaction's timestamp, also written as updated_at. */
  now: Date;
}

/**
 * A retried transaction on one of the owner's conversations whose FIRST statement writes the
 * conversation row (one UPDATE … RETURNING, bumping updated_at and message_count). On SQLite that
 * takes the write lock up front, so writers from other processes queue on busy_timeout instead
 * of failing on a stale read snapshot; every read in `work` is consistent because the lock is
 * held. The update also proves the conversation exists and is the owner's: otherwise the
 * caller gets "conversation … not found", as for a missing one.
 */
export async function inConversationTransaction<T>(
  s: Scope,
  conversationId: string,
  /** Added to message_count (an append reserves its seqs this way); 0 to only take the lock. */
  addMessages: number,
  work: (tx: Tx, locked: Locked) => Promise<T>,
): Promise<T> {
  return withRetry(() =>
    s.db.$transaction(async (tx) => {
      const now = new Date();
      // Raw on purpose: this runs on every append, and a raw statement skips Prisma's query
      // compiler (about a third of the Prisma cost of an append, measured by `npm run bench`).
      const rows = await tx.$queryRaw<Array<{ message_count: number | bigint }>>`
        UPDATE conversations SET message_count = message_count + ${addMessages}, updated_at = ${now}
        WHERE id = ${conversationId} AND owner = ${s.owner}
        RETURNING message_count`;
      const row = rows[0];
      if (row === undefined) throw conversationNotFound(conversationId);
      return work(tx, { messageCount: int(row.message_count), now });
    }, s.tx),
  );
}
