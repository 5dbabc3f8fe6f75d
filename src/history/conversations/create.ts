import { v7 as uuidv7 } from 'uuid';
import { isUniqueViolation } from '../core/prisma-errors.js';
import { withRetry } from '../core/retry.js';
import { toConversationView } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import type { ConversationView } from './schemas.js';

/** create_conversation: a new conversation, or with a key, the owner's conversation under that key (get-or-create). */
export async function createConversation(
  s: Scope,
  raw: unknown,
): Promise<{ conversation: ConversationView; created: boolean }> {
  const input = parseInput(s.schemas.createConversation, raw);
  const byKey = () =>
    input.key === undefined
      ? null
      : s.db.conversation.findUnique({ where: { owner_key: { owner: s.owner, key: input.key } } });

  return withRetry(async () => {
    const existing = await byKey();
    if (existing) return { conversation: toConversationView(existing), created: false };
    const now = new Date();
    try {
      const row = await s.db.conversation.create({
        data: {
          id: uuidv7(),
          owner: s.owner,
          key: input.key ?? null,
          title: input.title ?? null,
          metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
          createdAt: now,
          updatedAt: now,
        },
      });
      return { conversation: toConversationView(row), created: true };
    } catch (err) {
      // Another caller created the same key between our read and our insert: theirs wins.
      const raced = isUniqueViolation(err) ? await byKey() : null;
      if (raced) return { conversation: toConversationView(raced), created: false };
      throw err;
    }
  });
}
