import { HistoryError } from '../core/errors.js';
import { invalidField, parseInput } from '../core/validate.js';
import type { Scope, Tx } from '../scope.js';
import { inConversationTransaction } from './conversation-transaction.js';
import { insertBatch } from './insert-batch.js';
import { hashRequest, sameRequest } from './request-hash.js';
import type { MessageInput } from './schemas.js';
import { type AppendedView, appendedView } from './schemas.js';

/** Thrown inside the transaction to roll back the seq reservation and answer from the record. */
class Replay {
  constructor(readonly result: AppendedView) {}
}

/**
 * Append a batch atomically: all messages or none, seqs assigned inside the transaction.
 *
 * The transaction's first statement bumps message_count (see inConversationTransaction): it
 * takes the write lock and reserves the seq range.
 */
export async function appendMessages(s: Scope, raw: unknown): Promise<AppendedView> {
  const input = parseInput(s.schemas.append, raw);
  const conversationId = input.conversation_id;
  const requestHash = input.idempotency_key === undefined ? '' : hashRequest(input.messages);
  const count = input.messages.length;

  try {
    return await inConversationTransaction(s, conversationId, count, async (tx, { messageCount, now }) => {
      const firstSeq = messageCount - count + 1;

      if (input.idempotency_key !== undefined) {
        const prior = await tx.idempotencyKey.findUnique({
          where: { conversationId_key: { conversationId, key: input.idempotency_key } },
        });
        if (prior) throw new Replay(replayOf(prior, requestHash, input.messages));
      }
      await checkToolCallsAgainstStore(tx, conversationId, input.messages);

      const ids = await insertBatch(tx, { conversationId, firstSeq, createdAt: now, messages: input.messages });

      const result: AppendedView = {
        conversation_id: conversationId,
        messages: ids.map((id, i) => ({ id, seq: firstSeq + i })),
        message_count: messageCount,
        replayed: false,
      };
      if (input.idempotency_key !== undefined) {
        await tx.idempotencyKey.create({
          data: {
            conversationId,
            key: input.idempotency_key,
            requestHash,
            response: JSON.stringify(result),
            createdAt: now,
          },
        });
      }
      return result;
    });
  } catch (err) {
    // The replay rolled back the seq reservation; answer with the first call's result.
    if (err instanceof Replay) return err.result;
    throw err;
  }
}

/**
 * The rules that need stored data: a new call id must not exist yet in this conversation,
 * and a tool result must answer a call that does (calls made earlier in the same batch were
 * already checked by the schema). One indexed query covers both.
 */
async function checkToolCallsAgainstStore(tx: Tx, conversationId: string, messages: readonly MessageInput[]) {
  const declared = new Set(messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.id)));
  const answered = messages.flatMap((m) =>
    m.tool_call_id !== undefined && !declared.has(m.tool_call_id) ? [m.tool_call_id] : [],
  );
  if (declared.size === 0 && answered.length === 0) return;

  const stored = await tx.toolCall.findMany({
    where: { conversationId, callId: { in: [...declared, ...answered] } },
    select: { callId: true },
  });
  const known = new Set(stored.map((r) => r.callId));
  messages.forEach((m, i) => {
    m.tool_calls?.forEach((c, j) => {
      if (known.has(c.id)) {
        throw invalidField(
          ['messages', i, 'tool_calls', j, 'id'],
          `tool call id "${c.id}" is already used in this conversation; call ids must be unique`,
        );
      }
    });
    if (m.tool_call_id !== undefined && !declared.has(m.tool_call_id) && !known.has(m.tool_call_id)) {
      throw invalidField(
        ['messages', i, 'tool_call_id'],
        `tool_call_id "${m.tool_call_id}" does not answer any tool call made earlier in this conversation; append the assistant message with that call first`,
      );
    }
  });
}

function replayOf(
  prior: { key: string; requestHash: string; response: string },
  requestHash: string,
  messages: readonly MessageInput[],
): AppendedView {
  if (!sameRequest(prior.requestHash, requestHash, messages)) {
    throw new HistoryError(
      'conflict',
      `idempotency_key "${prior.key}" was already used for different messages; use a new key for a new append`,
      'idempotency_key',
    );
  }
  return { ...appendedView.parse(JSON.parse(prior.response)), replayed: true };
}
