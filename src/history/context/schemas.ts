import { z } from 'zod';
import { type Limits, utf8Bytes } from '../core/limits.js';
import { conversationIdSchema, seqInt, text } from '../core/fields.js';
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
    .describe(
      `Token budget for everything returned, counted with the ${ENCODING} encoding plus a small per-message ` +
        'overhead (exact for GPT-4o-class models, an estimate for others such as Claude: leave some headroom).',
    ),
  include_system: z
    .boolean()
    .optional()
    .describe(
      'Default true: always include the system prompt — the system messages at the very start of the ' +
        'conversation (seq 1 and the system messages directly after it) — first, however old, counted ' +
        'against the budget. false: they are treated like any other message.',
    ),
  use_summary: z
    .boolean()
    .optional()
    .describe(
      'Default true: when a summary was stored with set_summary, return it (as a system message with seq 0) ' +
        'in place of the messages it covers, followed by the recent messages after it. false: ignore the summary.',
    ),
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
      .describe('Your summary of messages 1..through_seq, written so that it can stand in for them in a prompt.'),
    through_seq: seqInt(1, 'through_seq').describe(
        'The last seq the summary covers (1..message_count). Pick the end of a turn: tool results after ' +
          'through_seq that answer calls before it cannot be shown without their call and are left out.',
      ),
  });
}
export type SetSummaryInput = z.infer<ReturnType<typeof setSummaryInputSchema>>;
