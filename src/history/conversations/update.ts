import { conversationNotFound } from '../core/errors.js';
import { isRecordNotFound } from '../core/prisma-errors.js';
import { withRetry } from '../core/retry.js';
import { toConversationView } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import type { ConversationView } from './schemas.js';

/** update_conversation: a new title and/or metadata; updating is activity (updated_at). */
export async function updateConversation(s: Scope, raw: unknown): Promise<ConversationView> {
  const input = parseInput(s.schemas.updateConversation, raw);
  const data: { updatedAt: Date; title?: string | null; metadata?: string | null } = { updatedAt: new Date() };
  if (input.title !== undefined) data.title = input.title;
  if (input.metadata !== undefined) data.metadata = input.metadata === null ? null : JSON.stringify(input.metadata);
  try {
    const row = await withRetry(() =>
      s.db.conversation.update({ where: { id: input.conversation_id, owner: s.owner }, data }),
    );
    return toConversationView(row);
  } catch (err) {
    throw isRecordNotFound(err) ? conversationNotFound(input.conversation_id) : err;
  }
}
