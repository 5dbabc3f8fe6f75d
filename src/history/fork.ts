import { v7 as uuidv7 } from 'uuid';
import { forkInputSchema } from './edit-schemas.js';
import { conversationNotFound } from './errors.js';
import { withRetry } from './retry.js';
import type { Scope, Tx } from './scope.js';
import { invalidField, parseInput } from './validate.js';
import { type ConversationView, toConversationView } from './views.js';

/** Messages copied per round trip: bounds memory however long the conversation is. */
const COPY_CHUNK = 500;

export interface ForkView extends Record<string, unknown> {
  conversation: ConversationView;
  forked_from: string;
  through_seq: number;
}

/**
 * A new conversation holding copies of messages 1..through_seq (tool calls included, seqs and
 * timestamps identical) and of the summary when it covers only those; the original is not touched. One transaction, whose first statement
 * is the INSERT … SELECT that creates the fork: it takes the write lock and copies the source
 * row only if the source belongs to this owner.
 */
export async function forkConversation(s: Scope, raw: unknown): Promise<ForkView> {
  const input = parseInput(forkInputSchema, raw);
  const sourceId = input.conversation_id;
  return withRetry(() =>
    s.db.$transaction(async (tx) => {
      const forkId = uuidv7();
      const now = new Date();
      const inserted = await tx.$executeRaw`
        INSERT INTO conversations (id, owner, key, title, metadata, message_count, created_at, updated_at)
        SELECT ${forkId}, owner, NULL, title, metadata, 0, ${now}, ${now}
        FROM conversations WHERE id = ${sourceId} AND owner = ${s.owner}`;
      if (inserted === 0) throw conversationNotFound(sourceId);

      const source = await tx.conversation.findUniqueOrThrow({ where: { id: sourceId }, select: { title: true, messageCount: true } });
      const through = input.through_seq ?? source.messageCount;
      if (through > source.messageCount) {
        throw invalidField(['through_seq'], `through_seq ${through} is beyond the last message (seq ${source.messageCount})`);
      }
      await copyMessages(tx, sourceId, forkId, through);
      // The source's summary still holds for the fork if it covers only copied messages.
      await tx.$executeRaw`
        INSERT INTO summaries (conversation_id, through_seq, content, created_at)
        SELECT ${forkId}, through_seq, content, created_at FROM summaries
        WHERE conversation_id = ${sourceId} AND through_seq <= ${through}`;
      const fork = await tx.conversation.update({
        where: { id: forkId },
        data: { messageCount: through, title: input.title ?? (source.title === null ? null : `${source.title} (fork)`) },
      });
      return { conversation: toConversationView(fork), forked_from: sourceId, through_seq: through };
    }, s.tx),
  );
}

async function copyMessages(tx: Tx, from: string, to: string, through: number): Promise<void> {
  for (let after = 0; after < through; after += COPY_CHUNK) {
    const rows = await tx.message.findMany({
      where: { conversationId: from, seq: { gt: after, lte: Math.min(after + COPY_CHUNK, through) } },
      orderBy: { seq: 'asc' },
      include: { toolCalls: true },
    });
    const copies = rows.map((m) => ({ ...m, id: uuidv7(), conversationId: to }));
    await tx.message.createMany({ data: copies.map(({ toolCalls: _calls, ...m }) => m) });
    const calls = copies.flatMap((m) => m.toolCalls.map((c) => ({ ...c, conversationId: to, messageId: m.id })));
    if (calls.length > 0) await tx.toolCall.createMany({ data: calls });
  }
}
