import { z } from 'zod';
import { conversationIdSchema, seqInt, text } from '../core/fields.js';
import { type Limits, utf8Bytes } from '../core/limits.js';
import { messageView } from '../messages/schemas.js';
import { ENCODING } from './tokens.js';

/** Inputs of get_context and set_summary. */

/** The largest budget accepted: the biggest context windows of current models, with room. */
export const MAX_CONTEXT_TOKENS = 2_000_000;

export const getContextInputSchema = z.strictObject({
  conversation_id: conversationIdSchema,
  max_tokens: z
    .int('max_tokens must be an integer')
    .min(1, 'max_tokens must be at least 1')
    .max(MAX_CONTEXT_TOKENS, `max_tokens must be at most ${MAX_CONTEXT_TOKENS}`)
    .describe(`Token budget for everything returned (${ENCODING} plus a small per-message overhead).`),
  include_system: z
    .boolean()
    .optional()
    .describe(
      'Default true: the system prompt (system messages from seq 1 on) comes first, however old; false: no special place.',
    ),
  use_summary: z
    .boolean()
    .optional()
    .describe('Default true: a stored summary (seq 0) replaces the messages it covers. false: ignore it.'),
});
export type GetContextInput = z.infer<typeof getContextInputSchema>;

export function setSummaryInputSchema(limits: Limits) {
  return z.strictObject({
    conversation_id: conversationIdSchema,
    summary: text()
      .min(1, 'summary must not be empty')
      .refine((v) => utf8Bytes(v) <= limits.maxContentBytes, {
        message: `summary is over the limit of ${limits.maxContentBytes} UTF-8 bytes (server option --max-content-bytes)`,
      })
      .describe('Your summary, written to stand in for those messages in a prompt.'),
    through_seq: seqInt(1, 'through_seq').describe('Last seq it covers; end it at a turn boundary.'),
  });
}
export type SetSummaryInput = z.infer<ReturnType<typeof setSummaryInputSchema>>;

/** Output views of get_context and set_summary (published as the tools' outputSchema). */

export const summaryInfoView = z.object({
  through_seq: z.int().describe('The summary covers messages 1..through_seq.'),
  created_at: z.string().describe('ISO-8601 timestamp of when the summary was set.'),
});
export type SummaryInfoView = z.infer<typeof summaryInfoView>;

/** The summary inside get_context's messages: not a stored message, hence seq 0 and no id. */
export const summaryMessageView = z
  .object({
    seq: z.literal(0).describe('0: this is the stored summary, not a stored message.'),
    role: z.literal('system'),
    content: z.string().describe('"Summary of messages 1–N:" then the summary text.'),
    created_at: z.string(),
  })
  .describe('The summary set with set_summary, standing in for messages 1..summary.through_seq.');
export type SummaryMessageView = z.infer<typeof summaryMessageView>;

export const contextView = z.object({
  conversation_id: z.string(),
  messages: z
    .array(z.union([messageView, summaryMessageView]))
    .describe(
      'Ready to send to a model, in this order: the system prompt (with include_system), the summary ' +
        '(seq 0, with use_summary), then the most recent messages in seq order.',
    ),
  total_tokens: z
    .int()
    .describe('Tokens of everything returned, by the formula in `encoding` + overheads; <= max_tokens.'),
  max_tokens: z.int(),
  encoding: z.string().describe('Tokenizer encoding used for the counts (o200k_base).'),
  tokens_estimated: z
    .boolean()
    .describe(
      'true when some text held an unbroken run of 128+ letters or symbols (no space or punctuation): such runs are ' +
        'counted in 64-character slices, which may overstate them by about a token per slice. Otherwise counts are exact.',
    ),
  message_count: z.int().describe('Messages stored in the conversation.'),
  first_seq: z.int().nullable().describe('First seq of the recent messages returned (null if none fit).'),
  last_seq: z.int().nullable().describe('Last seq of the recent messages returned (null if none fit).'),
  omitted_count: z.int().describe('Stored messages not returned (covered by the summary or older than first_seq).'),
  stopped_by: z
    .enum(['tokens', 'bytes', 'start'])
    .describe(
      "Why the recent messages start at first_seq: 'tokens' = the next older message (or tool round) would " +
        "exceed max_tokens; 'bytes' = the response would exceed the server's response budget (--max-response-bytes); " +
        "'start' = nothing older is left (start of the conversation, or the end of the summary or system prompt).",
    ),
  summary: summaryInfoView
    .nullable()
    .describe('The summary returned in messages, or null (none stored, or use_summary false).'),
});
export type ContextView = z.infer<typeof contextView>;

export const summarySetView = z.object({
  conversation_id: z.string(),
  through_seq: z.int(),
  created_at: z.string(),
  tokens: z.int().describe('What the summary costs in get_context (as a system message), in tokens.'),
  tokens_estimated: z
    .boolean()
    .describe('true when the summary held an unbroken run of 128+ letters or symbols, counted in slices: an estimate.'),
  replaced: summaryInfoView.nullable().describe('The summary this one superseded, or null.'),
});
export type SummarySetView = z.infer<typeof summarySetView>;
