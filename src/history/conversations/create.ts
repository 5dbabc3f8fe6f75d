import { v7 as uuidv7 } from 'uuid';
import { recordEvent } from '../core/audit.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import { toConversationView } from '../core/rows.js';
import { addUsage, checkQuota } from '../core/usage.js';
import { parseInput } from '../core/validate.js';
import { inOwnerTransaction } from '../core/write-transaction.js';
import type { Scope } from '../scope.js';
import type { ConversationView } from './schemas.js';

/**
 * create_conversation: a new conversation, or with a key, the owner's live conversation under
 * that key (get-or-create). A conversation in the trash holds no key (it moved to trashed_key),
 * so it never answers for one. Only a new conversation counts against the conversation quota
 * and is audited: finding the existing one changes nothing.
 */
export async function createConversation(
  s: Scope,
  raw: unknown,
): Promise<{ conversation: ConversationView; created: boolean }> {
  const input = parseInput(s.schemas.createConversation, raw);
  const byKey = () =>
    input.key === undefined
      ? null
      : s.db.conversation.findUnique({ where: { owner_key: { owner: s.owner, key: input.key } } });

  // inOwnerTransaction retries a busy database itself; the read before it needs no retry.
  const existing = await byKey();
  if (existing) return { conversation: toConversationView(existing), created: false };
  try {
    const row = await inOwnerTransaction(s, async (tx, { usage, now }) => {
      checkQuota(usage, { conversations: 1 }, 'a new conversation');
      const created = await tx.conversation.create({
        data: {
          id: uuidv7(),
          owner: s.owner,
          key: input.key ?? null,
          title: input.title ?? null,
          metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
          expiresAt: input.expires_at === undefined ? null : new Date(input.expires_at),
          createdAt: now,
          updatedAt: now,
        },
      });
      await addUsage(tx, s.owner, { conversations: 1 });
      await recordEvent(tx, s.owner, s.actor, now, { operation: 'create', conversationId: created.id });
      return created;
    });
    return { conversation: toConversationView(row), created: true };
  } catch (err) {
    // Another caller created the same key between our read and our insert: theirs wins.
    const raced = isUniqueViolation(err) ? await byKey() : null;
    if (raced) return { conversation: toConversationView(raced), created: false };
    throw err;
  }
}
