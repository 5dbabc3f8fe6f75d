import { auditValues, recordEvent } from '../core/audit.js';
import { HistoryError } from '../core/errors.js';
import { isTransient, withRetry } from '../core/retry.js';
import { addUsage, checkQuota } from '../core/usage.js';
import { invalidField, parseInput } from '../core/validate.js';
import type { Scope, Tx } from '../scope.js';
import { inConversationTransaction } from './conversation-transaction.js';
import { insertBatch, storedRows } from './insert-batch.js';
import { hashRequest, sameRequest } from './request-hash.js';
import { type AppendedView, type AppendInput, appendedView, batchBytes, type MessageInput } from './schemas.js';

/** Thrown inside the transaction to roll back the seq reservation and answer from the record. */
class Replay {
  constructor(readonly result: AppendedView) {}
}

/**
 * Append a batch atomically: all messages or none, seqs assigned inside the transaction, the
 * owner's usage and the audit event in the same transaction.
 *
 * Most appends need nothing from the store but the seqs: no idempotency key to look up, no
 * tool result answering a call stored earlier. Those go through the dialect's appendRows, in
 * the fewest round trips the backend allows, with the byte quota as a condition of its writes.
 * The others — and any append appendRows declined — take the interactive transaction below
 * (inConversationTransaction): it locks the owner's usage and the conversation, reserves the
 * seq range, then the checks read what they need and say precisely what is wrong.
 */
export async function appendMessages(s: Scope, raw: unknown): Promise<AppendedView> {
  const input = parseInput(s.schemas.append, raw);
  if (input.idempotency_key === undefined && callIds(input.messages).answered.length === 0) {
    const appended = await appendDirectly(s, input.conversation_id, input.messages);
    if (appended !== undefined) return appended;
  }
  return appendChecked(s, input);
}

/**
 * The call ids a batch makes, and those its tool results answer that it does not make itself:
 * calls that must already be stored (the schema has checked the ones made in the batch).
 */
function callIds(messages: readonly MessageInput[]): { declared: Set<string>; answered: string[] } {
  const declared = new Set(messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.id)));
  const answered = messages.flatMap((m) =>
    m.tool_call_id !== undefined && !declared.has(m.tool_call_id) ? [m.tool_call_id] : [],
  );
  return { declared, answered };
}

/**
 * The append without reads. Undefined when the database wrote nothing: the conversation is not
 * the owner's or is in the trash, the byte quota has no room, or a constraint refused it (a call
 * id this conversation already used); appendChecked then says precisely what is wrong.
 */
async function appendDirectly(
  s: Scope,
  conversationId: string,
  messages: readonly MessageInput[],
): Promise<AppendedView | undefined> {
  const rows = storedRows(messages);
  const bytes = rows.messages.reduce((sum, m) => sum + m.bytes, 0);
  let messageCount: number | null;
  try {
    messageCount = await withRetry(() => {
      const now = new Date();
      return s.dialect.appendRows(s.db, {
        owner: s.owner,
        conversationId,
        now,
        defaultMaxBytes: s.policy.maxBytesPerOwner,
        auditValues: (seqs) =>
          auditValues(
            s.owner,
            s.actor,
            now,
            { operation: 'append', conversationId, messages: messages.length, bytes },
            seqs,
          ),
        ...rows,
      });
    });
  } catch (err) {
    if (isTransient(err)) throw err;
    return undefined;
  }
  if (messageCount === null) return undefined;
  const firstSeq = messageCount - messages.length + 1;
  return {
    conversation_id: conversationId,
    messages: rows.messages.map((m, i) => ({ id: m.id, seq: firstSeq + i })),
    message_count: messageCount,
    replayed: false,
  };
}

async function appendChecked(s: Scope, input: AppendInput): Promise<AppendedView> {
  const conversationId = input.conversation_id;
  const requestHash = input.idempotency_key === undefined ? '' : hashRequest(input.messages);
  const count = input.messages.length;
  const bytes = batchBytes(input.messages);

  try {
    return await inConversationTransaction(s, conversationId, { messages: count, bytes }, async (tx, locked) => {
      const { messageCount, now } = locked;
      const firstSeq = messageCount - count + 1;

      if (input.idempotency_key !== undefined) {
        const prior = await tx.idempotencyKey.findUnique({
          where: { conversationId_key: { conversationId, key: input.idempotency_key } },
        });
        if (prior) throw new Replay(replayOf(prior, requestHash, input.messages));
      }
      await checkToolCallsAgainstStore(tx, conversationId, input.messages);
      checkQuota(locked.usage, { bytes }, 'this append');

      const { ids } = await insertBatch(tx, { conversationId, firstSeq, createdAt: now, messages: input.messages });
      await addUsage(tx, s.owner, { bytes });
      await recordEvent(tx, s.owner, s.actor, now, {
        operation: 'append',
        conversationId,
        firstSeq,
        lastSeq: messageCount,
        messages: count,
        bytes,
      });

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
  const { declared, answered } = callIds(messages);
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
