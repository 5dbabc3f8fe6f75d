import { conversationNotFound } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import { inOwnerTransaction } from '../core/write-transaction.js';
import type { Scope } from '../scope.js';
import { conversationRefSchema, type DeletedView } from './schemas.js';
import { removeConversation } from './trash.js';

/**
 * delete_conversation: into the trash for the configured window (restore_conversation brings
 * it back), or with a window of 0 deleted at once. Either way it leaves every read at once.
 */
export async function deleteConversation(s: Scope, raw: unknown): Promise<DeletedView> {
  const { conversation_id: id } = parseInput(conversationRefSchema, raw);
  const removed = await inOwnerTransaction(s, async (tx, { now }) => {
    const done = await removeConversation(tx, {
      owner: s.owner,
      id,
      now,
      policy: s.policy,
      actor: s.actor,
      operation: 'delete',
    });
    // Thrown inside: the transaction (and the usage row it may have made) rolls back.
    if (done === null) throw conversationNotFound(id);
    return done;
  });
  return {
    conversation_id: id,
    deleted_messages: removed.messages,
    purge_at: removed.purgeAt === null ? null : removed.purgeAt.toISOString(),
  };
}
