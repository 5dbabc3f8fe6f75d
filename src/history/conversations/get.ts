import { conversationNotFound } from '../core/errors.js';
import { toConversationView } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import { type ConversationView, conversationRefSchema } from './schemas.js';

export async function getConversation(s: Scope, raw: unknown): Promise<ConversationView> {
  const { conversation_id: id } = parseInput(conversationRefSchema, raw);
  const row = await s.db.conversation.findFirst({ where: { id, owner: s.owner, deletedAt: null } });
  if (!row) throw conversationNotFound(id);
  return toConversationView(row);
}
