import { conversationNotFound } from '../core/errors.js';
import { int } from '../core/rows.js';
import { inOwnerTransaction, type OwnerWrite } from '../core/write-transaction.js';
import type { Scope, Tx } from '../scope.js';

export interface Locked extends OwnerWrite {
  /** message_count after the conversation's update. */
  messageCount: number;
}

/**
 * An owner transaction (inOwnerTransaction) on one live conversation of the owner, whose second
 * statement writes the conversation row (one UPDATE … RETURNING, bumping updated_at and
 * message_count): every read in `work` is consistent because the lock is held. The update also
 * proves the conversation exists, is the owner's and is not in the trash: otherwise the caller
 * gets "conversation … not found", as for a missing one.
 */
export async function inConversationTransaction<T>(
  s: Scope,
  conversationId: string,
  /**
   * Added to message_count (an append reserves its seqs this way) and to the conversation's
   * bytes; zeros to only take the lock and mark the activity.
   */
  add: { messages: number; bytes: number },
  work: (tx: Tx, locked: Locked) => Promise<T>,
): Promise<T> {
  return inOwnerTransaction(s, async (tx, write) => {
    // Raw on purpose: this runs on every checked append, and a raw statement skips Prisma's
    // query compiler (about a third of the Prisma cost of an append, measured by `npm run bench`).
    const rows = await tx.$queryRaw<Array<{ message_count: number | bigint }>>`
      UPDATE conversations
      SET message_count = message_count + ${add.messages}, bytes = bytes + ${add.bytes}, updated_at = ${write.now}
      WHERE id = ${conversationId} AND owner = ${s.owner} AND deleted_at IS NULL
      RETURNING message_count`;
    const row = rows[0];
    if (row === undefined) throw conversationNotFound(conversationId);
    return work(tx, { ...write, messageCount: int(row.message_count) });
  });
}
