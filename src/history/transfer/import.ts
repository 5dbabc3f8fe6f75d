import { v7 as uuidv7 } from 'uuid';
import type { ConversationView } from '../conversations/schemas.js';
import { recordEvent } from '../core/audit.js';
import { HistoryError } from '../core/errors.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import { toConversationView } from '../core/rows.js';
import { addUsage, checkQuota } from '../core/usage.js';
import { parseInput } from '../core/validate.js';
import { inOwnerTransaction } from '../core/write-transaction.js';
import { insertBatch } from '../messages/insert-batch.js';
import { batchBytes } from '../messages/schemas.js';
import type { Scope } from '../scope.js';
import { PARSERS, parseAt } from './formats/index.js';

/**
 * A new conversation from data in one of the import formats. Every message goes through the
 * rules of append_messages (same schema, and a tool result must answer a call earlier in the
 * data); errors name the field's path inside `data`. The conversation and all its messages
 * are created in ONE owner transaction (with the quota check, the usage and the audit event):
 * on any failure nothing exists afterwards. A key already in use is a conflict: import never merges.
 * json data keeps its timestamps (conversation created_at/updated_at, each message's
 * created_at); ids and seqs are always new.
 */
export async function importConversation(s: Scope, raw: unknown): Promise<ConversationView> {
  const input = parseInput(s.schemas.importInput, raw);
  const parsed = PARSERS[input.format](input.data);
  const messages = parseInput(s.schemas.importMessages, parsed.messages, (p) =>
    p.length === 0 ? ['data'] : parsed.pathOf(p[0] as number, p.slice(1)),
  );
  const fromData = parsed.conversation;
  const header = parseAt(
    s.schemas.createConversation,
    {
      ...(fromData.title != null && { title: fromData.title }),
      ...(fromData.key != null && { key: fromData.key }),
      ...(fromData.metadata != null && { metadata: fromData.metadata }),
    },
    ['data', 'conversation'],
  );
  const title = input.title !== undefined ? input.title : (header.title ?? null);
  const key = input.key !== undefined ? input.key : (header.key ?? null);

  const bytes = batchBytes(messages);
  try {
    return await inOwnerTransaction(s, async (tx, { usage, now }) => {
      checkQuota(usage, { conversations: 1, bytes }, 'this import');
      const id = uuidv7();
      const row = await tx.conversation.create({
        data: {
          id,
          owner: s.owner,
          key,
          title,
          metadata: header.metadata === undefined ? null : JSON.stringify(header.metadata),
          messageCount: messages.length,
          bytes,
          createdAt: fromData.createdAt ?? now,
          updatedAt: fromData.updatedAt ?? now,
        },
      });
      const createdAt = messages.map((_, i) => parsed.createdAt[i] ?? now);
      await insertBatch(tx, { conversationId: id, firstSeq: 1, createdAt, messages });
      await addUsage(tx, s.owner, { conversations: 1, bytes });
      await recordEvent(tx, s.owner, s.actor, now, {
        operation: 'import',
        conversationId: id,
        ...(messages.length > 0 && { firstSeq: 1, lastSeq: messages.length }),
        messages: messages.length,
        bytes,
      });
      return toConversationView(row);
    });
  } catch (err) {
    if (key !== null && isUniqueViolation(err)) {
      const holder = await s.db.conversation.findUnique({
        where: { owner_key: { owner: s.owner, key } },
        select: { id: true },
      });
      throw new HistoryError(
        'conflict',
        `key "${key}" is already used by conversation ${holder?.id ?? '(another)'}; import never merges: pass another key, or key: null to import without one`,
        'key',
      );
    }
    throw err;
  }
}
