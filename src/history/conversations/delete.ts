import { conversationNotFound } from '../core/errors.js';
import { isRecordNotFound } from '../core/prisma-errors.js';
import { withRetry } from '../core/retry.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import { conversationRefSchema, type DeletedView } from './schemas.js';

/** delete_conversation: the conversation and everything in it, in one statement. */
export async function deleteConversation(s: Scope, raw: unknown): Promise<DeletedView> {
  const { conversation_id: id } = parseInput(conversationRefSchema, raw);
  try {
    // Messages, tool calls and idempotency records go with it (ON DELETE CASCADE).
    const row = await withRetry(() =>
      s.db.conversation.delete({ where: { id, owner: s.owner }, select: { messageCount: true } }),
    );
    return { conversation_id: id, deleted_messages: row.messageCount };
  } catch (err) {
    throw isRecordNotFound(err) ? conversationNotFound(id) : err;
  }
}
