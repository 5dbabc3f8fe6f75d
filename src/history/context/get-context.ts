import { HistoryError } from '../core/errors.js';
import { defaultBudget, type ResponseBudget } from '../core/response-budget.js';
import { parseInput } from '../core/validate.js';
import { loadMessagesWithTokens, type StoredTokens } from '../messages/load-messages.js';
import type { MessageView } from '../messages/schemas.js';
import type { Scope } from '../scope.js';
import type { ContextView, SummaryMessageView } from './schemas.js';
import { type GetContextInput, getContextInputSchema } from './schemas.js';
import { readSnapshot, stillThere } from './snapshot.js';
import { LearnedTokens } from './stored-tokens.js';
import { summaryMessage } from './summary.js';
import { ENCODING, loadTokenCounter, REPLY_PRIMER_TOKENS, TokenMeter } from './tokens.js';
import { ContextWindow } from './window.js';

/** Messages read per query when walking back from the end; grows so long walks take few queries. */
const FIRST_PAGE = 64;
const MAX_PAGE = 512;
/** Leading system messages read by the first query (usually there is one); grows like the walk. */
const SYSTEM_PAGE = 8;
/** Reads of a context that a concurrent rewind made inconsistent, before giving up. */
const ATTEMPTS = 3;

type ContextMessage = MessageView | SummaryMessageView;

/**
 * The most recent messages that fit `max_tokens`, after the pinned parts: the system prompt
 * (include_system) and the summary (use_summary), which must fit or the call fails with the
 * minimum budget they need. Reads walk backwards from the end in growing pages over the
 * (conversation_id, seq) index and stop as soon as the budget is full, so the cost follows
 * the budget, not the length of the conversation; the response budget bounds the bytes read.
 *
 * No transaction: counting tokens is CPU work, and on SQLite an open transaction would hold
 * the process's one connection (and every other owner's requests) while it runs. Messages
 * never change once stored; only a rewind removes them, and it always removes the last one.
 * So the reads are consistent exactly when the message that was last (seq message_count) at
 * the start is still there at the end; otherwise the context is read again.
 */
export async function getContext(
  s: Scope,
  raw: unknown,
  budget: ResponseBudget<ContextMessage> = defaultBudget(s.limits.maxResponseBytes),
): Promise<ContextView> {
  const input = parseInput(getContextInputSchema, raw);
  const count = await loadTokenCounter();
  for (let attempt = 1; ; attempt++) {
    const context = await readContext(s, input, new TokenMeter(count), budget);
    if (context !== undefined) return context;
    if (attempt === ATTEMPTS) {
      throw new HistoryError(
        'conflict',
        'the conversation was rewound while its context was being read; call get_context again',
      );
    }
  }
}

async function readContext(
  s: Scope,
  input: GetContextInput,
  meter: TokenMeter,
  budget: ResponseBudget<ContextMessage>,
) {
  const learned = new LearnedTokens();
  /** A message's stored count, or its count now (kept for next time when it is the whole count). */
  const tokensOf = async (m: MessageView, known: StoredTokens | null, cap: number): Promise<number> => {
    if (known !== null) {
      if (known.estimated) meter.estimated = true;
      return known.tokens;
    }
    const counted = await meter.measure(m, cap);
    if (counted.complete) learned.add(m.id, counted.tokens, counted.estimated);
    return counted.tokens;
  };
  const id = input.conversation_id;
  const snapshot = await readSnapshot(s, id, input.use_summary !== false);
  const { total, summary: stored } = snapshot;
  const summary = stored && summaryMessage(stored);
  const { views: system, tokens: systemTokens } =
    input.include_system === false ? { views: [], tokens: [] } : await leadingSystemMessages(s, id, total, budget);

  const pinned: ContextMessage[] = [...system, ...(summary ? [summary] : [])];
  let pinnedTokens = REPLY_PRIMER_TOKENS;
  let pinnedBytes = 0;
  for (const [i, m] of system.entries()) {
    pinnedTokens += await tokensOf(m, systemTokens[i] ?? null, Infinity);
    pinnedBytes += budget.cost(m);
  }
  if (summary) {
    // Counted by set_summary when it was stored (a summary stored before that: counted now).
    const known = stored.tokens;
    if (known?.estimated === true) meter.estimated = true;
    pinnedTokens += known === null ? await meter.message(summary) : known.tokens;
    pinnedBytes += budget.cost(summary);
  }
  if (pinnedTokens > input.max_tokens)
    throw tooFewTokens(input.max_tokens, pinnedTokens, system.length > 0, summary !== null);
  if (pinnedBytes > budget.bytes) throw pinnedTooLarge(pinnedBytes, budget.bytes, system.length > 0, summary !== null);

  const window = new ContextWindow<MessageView>({
    tokens: input.max_tokens - pinnedTokens,
    bytes: budget.bytes - pinnedBytes,
  });
  // The window may reach back to just after the summary and the system prompt.
  const lowest = Math.max(system.at(-1)?.seq ?? 0, stored?.throughSeq ?? 0) + 1;
  let upper = total;
  for (let take = FIRST_PAGE; upper >= lowest; take = Math.min(take * 2, MAX_PAGE)) {
    const { views: page, tokens: stored } = await loadMessagesWithTokens(s.db, {
      conversationId: id,
      fromSeq: lowest,
      toSeq: upper,
      from: 'end',
      limit: take,
      maxBytes: budget.bytes,
    });
    let open = true;
    for (const [i, m] of page.entries()) {
      // Bytes first: a message that cannot fit the response is never tokenized, and one that
      // can is counted only as far as the tokens left (a stopped count closes the window).
      const bytes = budget.cost(m);
      const left = window.tokensLeftFor(bytes);
      open = left !== undefined && window.offer(m, { tokens: await tokensOf(m, stored[i] ?? null, left), bytes });
      if (!open) break;
    }
    if (!open || page.length < take) break;
    upper = page.at(-1)!.seq - 1;
  }
  const fitted = window.finish();
  if (!(await stillThere(s, id, snapshot))) return undefined;
  await learned.save(s.db);

  const first = fitted.messages[0];
  const last = fitted.messages.at(-1);
  return {
    conversation_id: id,
    messages: [...pinned, ...fitted.messages],
    total_tokens: pinnedTokens + fitted.tokens,
    max_tokens: input.max_tokens,
    encoding: ENCODING,
    tokens_estimated: meter.estimated,
    message_count: total,
    first_seq: first ? first.seq : null,
    last_seq: last ? last.seq : null,
    omitted_count: total - system.length - fitted.messages.length,
    stopped_by: fitted.stoppedBy,
    summary: stored && { through_seq: stored.throughSeq, created_at: stored.createdAt.toISOString() },
  } satisfies ContextView;
}

/**
 * The system prompt: the run of system messages at the very start (seq 1, 2, … up to the first
 * message of another role). System messages later in the conversation are ordinary messages
 * of the window. Reading only the leading run keeps this cheap in any conversation; reading
 * stops once the run outgrows the response budget, which pinnedTooLarge then reports.
 */
async function leadingSystemMessages(
  s: Scope,
  id: string,
  total: number,
  budget: ResponseBudget<ContextMessage>,
): Promise<{ views: MessageView[]; tokens: Array<StoredTokens | null> }> {
  const found = { views: [] as MessageView[], tokens: [] as Array<StoredTokens | null> };
  let bytes = 0;
  for (let after = 0, take = SYSTEM_PAGE; after < total; after += take, take = Math.min(take * 2, MAX_PAGE)) {
    const { views: page, tokens } = await loadMessagesWithTokens(s.db, {
      conversationId: id,
      fromSeq: after + 1,
      toSeq: total,
      from: 'start',
      limit: take,
      maxBytes: budget.bytes,
    });
    for (const [i, m] of page.entries()) {
      if (m.role !== 'system') return found;
      found.views.push(m);
      found.tokens.push(tokens[i] ?? null);
      bytes += budget.cost(m);
      if (bytes > budget.bytes) return found;
    }
    if (page.length < take) return found;
  }
  return found;
}

function pinnedParts(system: boolean, summary: boolean): string {
  return [system && 'the system prompt', summary && 'the summary'].filter(Boolean).join(' and ') || 'the reply primer';
}

function tooFewTokens(maxTokens: number, needed: number, system: boolean, summary: boolean): HistoryError {
  return new HistoryError(
    'limit_exceeded',
    `max_tokens ${maxTokens} is too small: ${needed} tokens are needed for ${pinnedParts(system, summary)} alone; ` +
      `pass max_tokens of at least ${needed}${summary ? ', or use_summary false' : ''}${system ? ', or include_system false' : ''}`,
    'max_tokens',
  );
}

function pinnedTooLarge(bytes: number, budgetBytes: number, system: boolean, summary: boolean): HistoryError {
  return new HistoryError(
    'limit_exceeded',
    `${pinnedParts(system, summary)} take${system && summary ? '' : 's'} more than ${budgetBytes} bytes as JSON (at least ${bytes}), ` +
      `more than one response may hold (server option --max-response-bytes): pass ${system ? 'include_system false' : 'use_summary false'}` +
      `${system && summary ? ' or use_summary false' : ''}, and page through the messages with get_history`,
    system ? 'include_system' : 'use_summary',
  );
}
