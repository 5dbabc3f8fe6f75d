import { conversationNotFound } from '../core/errors.js';
import { FIXED_LIMITS } from '../core/limits.js';
import { defaultBudget, fitPrefix, type ResponseBudget } from '../core/response-budget.js';
import { int } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import { loadMessages } from './load-messages.js';
import { getHistoryInputSchema, type HistoryPageView, type MessageView } from './schemas.js';

/**
 * One page of a conversation in seq order. Default: the newest `limit` messages. With
 * before_seq: the `limit` messages just before it; with after_seq: the `limit` just after.
 * A page also stops at the response budget (response-budget.ts), so a page of huge or
 * escape-heavy tool outputs cannot exceed what an MCP client accepts; it always holds at
 * least one message, and has_more_* tells the agent where to continue.
 */
export async function getHistory(
  s: Scope,
  raw: unknown,
  budget: ResponseBudget<MessageView> = defaultBudget(s.limits.maxResponseBytes),
): Promise<HistoryPageView> {
  const input = parseInput(getHistoryInputSchema, raw);
  const conversationId = input.conversation_id;
  const found = await s.db.$queryRaw<Array<{ message_count: number | bigint }>>`
    SELECT message_count FROM conversations WHERE id = ${conversationId} AND owner = ${s.owner} AND deleted_at IS NULL`;
  if (found[0] === undefined) throw conversationNotFound(conversationId);
  const total = int(found[0].message_count);
  const limit = input.limit ?? FIXED_LIMITS.historyDefault;
  const forward = input.after_seq !== undefined;

  // Walk away from the anchor: forwards from after_seq, otherwise backwards from before_seq
  // (or from the end); either way (conversation_id, seq) is the index that serves it.
  // Bounded by the count read above, so a concurrent append cannot show a seq beyond it
  // (and no bound exceeds the seq column's range, which PostgreSQL would refuse).
  const page = await loadMessages(s.db, {
    conversationId,
    fromSeq: forward ? Math.min(input.after_seq!, total) + 1 : 1,
    toSeq: forward ? total : Math.min(input.before_seq ?? total + 1, total + 1) - 1,
    from: forward ? 'start' : 'end',
    limit,
    // Every stored byte costs at least one in the response: more could not be returned anyway.
    maxBytes: budget.bytes,
  });
  // Walk order: the messages nearest the anchor are the ones kept.
  const walked = fitPrefix(page, budget);
  const messages = forward ? walked : walked.reverse();

  const first = messages[0];
  const last = messages.at(-1);
  const anchor = forward ? Math.min(input.after_seq!, total) : Math.min(input.before_seq ?? total + 1, total + 1);
  return {
    conversation_id: conversationId,
    messages,
    message_count: total,
    has_more_before: first ? first.seq > 1 : forward && anchor >= 1,
    has_more_after: last ? last.seq < total : !forward && anchor <= total,
  };
}
