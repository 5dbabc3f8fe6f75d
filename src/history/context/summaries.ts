import type { SummaryMessageView, SummarySetView } from './views.js';
import { inConversationTransaction } from '../messages/conversation-transaction.js';
import type { Scope, Tx } from '../scope.js';
import { loadTokenCounter, TokenMeter } from './tokens.js';
import { invalidField, parseInput } from '../core/validate.js';

/**
 * Store the agent's summary of messages 1..through_seq, replacing the previous one (one
 * current summary per conversation). Messages are never touched. Its token cost is counted
 * first, outside the transaction: counting is CPU work, and nothing may hold the write lock
 * for it. Then one transaction whose FIRST statement is a write (the conversation's
 * updated_at: setting a summary is activity), which takes the write lock, proves the
 * conversation is the owner's and reads message_count consistently with a concurrent append
 * or rewind.
 */
export async function setSummary(s: Scope, raw: unknown): Promise<SummarySetView> {
  const input = parseInput(s.schemas.setSummary, raw);
  const conversationId = input.conversation_id;
  const meter = new TokenMeter(await loadTokenCounter());
  // Counted as get_context will show it (created_at is not part of the count).
  const tokens = await meter.message(summaryMessage({ throughSeq: input.through_seq, content: input.summary, createdAt: new Date(0) }));
  return inConversationTransaction(s, conversationId, 0, async (tx, { messageCount, now }) => {
    if (input.through_seq > messageCount) {
      const last = messageCount === 0 ? 'the conversation has no messages yet' : `the last message is seq ${messageCount}`;
      throw invalidField(['through_seq'], `through_seq ${input.through_seq} is beyond the stored messages (${last}); a summary can only cover stored messages`);
    }
    const prior = await tx.summary.findUnique({ where: { conversationId }, select: { throughSeq: true, createdAt: true } });
    const data = { throughSeq: input.through_seq, content: input.summary, createdAt: now };
    await tx.summary.upsert({ where: { conversationId }, create: { conversationId, ...data }, update: data });
    return {
      conversation_id: conversationId,
      through_seq: input.through_seq,
      created_at: now.toISOString(),
      tokens,
      tokens_estimated: meter.estimated,
      replaced: prior && { through_seq: prior.throughSeq, created_at: prior.createdAt.toISOString() },
    };
  });
}

/**
 * For a rewind (delete messages seq >= fromSeq): drop a summary that covers any of them, inside
 * the rewind's own transaction, so no summary ever describes messages that no longer exist.
 */
export async function dropSummariesFrom(tx: Tx, conversationId: string, fromSeq: number): Promise<number> {
  const { count } = await tx.summary.deleteMany({ where: { conversationId, throughSeq: { gte: fromSeq } } });
  return count;
}

/** How a stored summary appears among get_context's messages. */
export function summaryMessage(row: { throughSeq: number; content: string; createdAt: Date }): SummaryMessageView {
  return {
    seq: 0,
    role: 'system',
    content: `Summary of messages 1–${row.throughSeq}:\n${row.content}`,
    created_at: row.createdAt.toISOString(),
  };
}
