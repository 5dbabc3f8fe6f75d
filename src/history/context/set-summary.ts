import { recordEvent } from '../core/audit.js';
import { invalidField, parseInput } from '../core/validate.js';
import { inConversationTransaction } from '../messages/conversation-transaction.js';
import type { Scope } from '../scope.js';
import type { SummarySetView } from './schemas.js';
import { summaryMessage } from './summary.js';
import { loadTokenCounter, TokenMeter } from './tokens.js';

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
  const tokens = await meter.message(
    summaryMessage({ throughSeq: input.through_seq, content: input.summary, createdAt: new Date(0) }),
  );
  return inConversationTransaction(s, conversationId, { messages: 0, bytes: 0 }, async (tx, { messageCount, now }) => {
    if (input.through_seq > messageCount) {
      const last =
        messageCount === 0 ? 'the conversation has no messages yet' : `the last message is seq ${messageCount}`;
      throw invalidField(
        ['through_seq'],
        `through_seq ${input.through_seq} is beyond the stored messages (${last}); a summary can only cover stored messages`,
      );
    }
    const prior = await tx.summary.findUnique({
      where: { conversationId },
      select: { throughSeq: true, createdAt: true },
    });
    const data = {
      throughSeq: input.through_seq,
      content: input.summary,
      createdAt: now,
      tokensO200k: tokens,
      tokensO200kEstimated: meter.estimated,
    };
    await tx.summary.upsert({ where: { conversationId }, create: { conversationId, ...data }, update: data });
    await recordEvent(tx, s.owner, s.actor, now, {
      operation: 'summary',
      conversationId,
      firstSeq: 1,
      lastSeq: input.through_seq,
      outcome: prior ? 'replaced' : 'ok',
    });
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
