import { recordEvent } from '../core/audit.js';
import { conversationNotFound } from '../core/errors.js';
import { isRecordNotFound } from '../core/prisma-errors.js';
import { toConversationView } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import { inOwnerTransaction } from '../core/write-transaction.js';
import type { Scope } from '../scope.js';
import type { ConversationView } from './schemas.js';

/**
 * update_conversation: a new title, metadata and/or expiry; updating is activity (updated_at).
 * The audit event names the fields changed, never their values.
 */
export async function updateConversation(s: Scope, raw: unknown): Promise<ConversationView> {
  const input = parseInput(s.schemas.updateConversation, raw);
  const data: { title?: string | null; metadata?: string | null; expiresAt?: Date | null } = {};
  if (input.title !== undefined) data.title = input.title;
  if (input.metadata !== undefined) data.metadata = input.metadata === null ? null : JSON.stringify(input.metadata);
  if (input.expires_at !== undefined) data.expiresAt = input.expires_at === null ? null : new Date(input.expires_at);
  const changed = [
    input.title !== undefined && 'title',
    input.metadata !== undefined && 'metadata',
    input.expires_at !== undefined && 'expires_at',
  ].filter((f) => f !== false);
  try {
    const row = await inOwnerTransaction(s, async (tx, { now }) => {
      const updated = await tx.conversation.update({
        where: { id: input.conversation_id, owner: s.owner, deletedAt: null },
        data: { ...data, updatedAt: now },
      });
      await recordEvent(tx, s.owner, s.actor, now, {
        operation: 'update',
        conversationId: updated.id,
        outcome: changed.length === 0 ? 'touched' : changed.join(','),
      });
      return updated;
    });
    return toConversationView(row);
  } catch (err) {
    throw isRecordNotFound(err) ? conversationNotFound(input.conversation_id) : err;
  }
}
