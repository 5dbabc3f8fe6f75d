import { v7 as uuidv7 } from 'uuid';
import { recordEvent } from '../core/audit.js';
import { conversationNotFound } from '../core/errors.js';
import { appendedFields, instant, toConversationView } from '../core/rows.js';
import { addUsage, checkQuota } from '../core/usage.js';
import { invalidField, parseInput } from '../core/validate.js';
import { inOwnerTransaction } from '../core/write-transaction.js';
import { insertBatch } from '../messages/insert-batch.js';
import { loadMessages } from '../messages/load-messages.js';
import type { Scope, Tx } from '../scope.js';
import { type ForkView, forkInputSchema } from './schemas.js';

/** Messages copied per round trip, and the stored bytes one round trip reads at most (about). */
const COPY_CHUNK = 500;
const COPY_BYTES = 4 * 1024 * 1024;

/**
 * A new conversation holding copies of messages 1..through_seq (tool calls included, seqs and
 * timestamps identical) and of the summary when it covers only those; the original is not
 * touched. One owner transaction (inOwnerTransaction), whose INSERT … SELECT creates the fork
 * only if the source is this owner's and live; the copy counts against the quotas like new data.
 */
export async function forkConversation(s: Scope, raw: unknown): Promise<ForkView> {
  const input = parseInput(forkInputSchema, raw);
  const sourceId = input.conversation_id;
  return inOwnerTransaction(s, async (tx, { usage, now }) => {
    checkQuota(usage, { conversations: 1 }, 'a fork');
    const forkId = uuidv7();
    const inserted = await tx.$executeRaw`
        INSERT INTO conversations (id, owner, key, title, metadata, message_count, created_at, updated_at)
        SELECT ${forkId}, owner, NULL, title, metadata, 0, ${now}, ${now}
        FROM conversations WHERE id = ${sourceId} AND owner = ${s.owner} AND deleted_at IS NULL`;
    if (inserted === 0) throw conversationNotFound(sourceId);

    const source = await tx.conversation.findUniqueOrThrow({
      where: { id: sourceId },
      select: { title: true, messageCount: true },
    });
    const through = input.through_seq ?? source.messageCount;
    if (through > source.messageCount) {
      throw invalidField(
        ['through_seq'],
        `through_seq ${through} is beyond the last message (seq ${source.messageCount})`,
      );
    }
    const bytes = await copyMessages(tx, sourceId, forkId, through);
    checkQuota(usage, { conversations: 1, bytes }, 'a fork');
    // The source's summary still holds for the fork if it covers only copied messages.
    await tx.$executeRaw`
        INSERT INTO summaries (conversation_id, through_seq, content, created_at)
        SELECT ${forkId}, through_seq, content, created_at FROM summaries
        WHERE conversation_id = ${sourceId} AND through_seq <= ${through}`;
    const fork = await tx.conversation.update({
      where: { id: forkId },
      data: {
        messageCount: through,
        bytes,
        forkedFrom: sourceId,
        forkedThroughSeq: through,
        title: input.title ?? (source.title === null ? null : `${source.title} (fork)`),
      },
    });
    await addUsage(tx, s.owner, { conversations: 1, bytes });
    await recordEvent(tx, s.owner, s.actor, now, {
      operation: 'fork',
      conversationId: forkId,
      ...(through > 0 && { firstSeq: 1, lastSeq: through }),
      messages: through,
      bytes,
      outcome: `from ${sourceId}`,
    });
    return { conversation: toConversationView(fork), forked_from: sourceId, through_seq: through };
  });
}

/**
 * Copies in chunks bounded by count and by stored bytes (load-messages.ts measures before it
 * reads), through the same multi-row inserts as an append: memory stays bounded however long
 * the conversation, and the search index gets each copy's tool calls in one pass. Answers the
 * bytes copied.
 */
async function copyMessages(tx: Tx, from: string, to: string, through: number): Promise<number> {
  let bytes = 0;
  for (let next = 1; next <= through; ) {
    const rows = await loadMessages(tx, {
      conversationId: from,
      fromSeq: next,
      toSeq: through,
      from: 'start',
      limit: COPY_CHUNK,
      maxBytes: COPY_BYTES,
    });
    if (rows.length === 0) break;
    const copied = await insertBatch(tx, {
      conversationId: to,
      firstSeq: next,
      createdAt: rows.map((m) => instant(m.created_at)),
      messages: rows.map(appendedFields),
    });
    bytes += copied.bytes;
    next = rows.at(-1)!.seq + 1;
  }
  return bytes;
}
