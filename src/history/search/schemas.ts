import { z } from 'zod';
import { conversationIdSchema, pageSize, ROLES, text } from '../core/fields.js';
import { FIXED_LIMITS as F } from '../core/limits.js';
import { INSTANT_RANGE, inInstantRange } from '../core/timestamps.js';
import { QUERY_BOUNDS } from './query.js';

/** Input and output of search_messages. */

const dateTime = z.iso.datetime({ offset: true });
const dateOnly = z.iso.date();

/**
 * An instant as ISO-8601: a date (midnight UTC) or a date-time with Z or an offset, within
 * the range the store holds (timestamps.ts): outside it the database would compare or
 * refuse it differently on each backend.
 */
const instant = text(40)
  .refine((v) => dateTime.safeParse(v).success || dateOnly.safeParse(v).success, {
    message: 'timestamp must be ISO-8601, e.g. 2025-01-31 or 2025-01-31T09:30:00Z',
    abort: true,
  })
  .refine((v) => inInstantRange(toInstant(v)), { message: `timestamp must be ${INSTANT_RANGE}` });

export const searchMessagesInputSchema = z
  .strictObject({
    // NUL and other control characters only separate words in a query (query.ts).
    query: text(F.searchQueryChars, { allowNul: true })
      .refine((v) => v.trim() !== '', 'text must not be empty or only whitespace: give words to search for')
      .describe(
        'Words that must all occur (any order; case and accents ignored). The last word, and any word ending ' +
          `in *, also match as a prefix (${QUERY_BOUNDS.prefixChars}+ characters); "double quotes" make a phrase. ` +
          'Nothing else is an operator: AND, OR, NOT, - and : are plain words. ' +
          `At most ${QUERY_BOUNDS.parts} words or phrases, ${QUERY_BOUNDS.words} words in all, ${QUERY_BOUNDS.prefixes} prefixes.`,
      ),
    conversation_id: conversationIdSchema.optional().describe('Search only this conversation.'),
    roles: z
      .array(z.enum(ROLES))
      .min(1, 'list must hold at least one role')
      .max(ROLES.length * 2, 'list is too long')
      .optional()
      .describe('Only these roles.'),
    after: instant.optional().describe('Only messages stored after this ISO-8601 instant (e.g. 2025-01-31T09:30:00Z).'),
    before: instant.optional().describe('Only messages stored before this instant.'),
    limit: pageSize(F.searchMax).optional().describe(`Hits per page (default ${F.searchDefault}, max ${F.searchMax}).`),
    cursor: text(1000).optional().describe('next_cursor of the previous page (same other arguments).'),
  })
  .superRefine((v, ctx) => {
    if (v.after !== undefined && v.before !== undefined && toInstant(v.after) >= toInstant(v.before)) {
      ctx.addIssue({ code: 'custom', path: ['before'], message: 'before must be later than after' });
    }
  });
export type SearchMessagesInput = z.infer<typeof searchMessagesInputSchema>;

/** A validated `after`/`before` value as a Date (a bare date is midnight UTC). */
export function toInstant(value: string): Date {
  return new Date(value);
}

export const searchHitView = z.object({
  conversation_id: z.string(),
  conversation_title: z.string().nullable(),
  message_id: z.string(),
  seq: z.int().describe('Position in the conversation: get_history with after_seq = seq - 1 reads from here.'),
  role: z.enum(ROLES),
  created_at: z.string().describe('ISO-8601 timestamp.'),
  snippet: z
    .string()
    .describe(
      'The best-matching passage (content or tool calls); matched words are marked «like this», … marks cut text.',
    ),
});
export type SearchHitView = z.infer<typeof searchHitView>;

export const searchResultView = z.object({
  terms: z
    .array(z.string())
    .describe(
      'What was searched for, after reading the query: words, "phrases", prefix* terms. Empty when the query held nothing searchable.',
    ),
  hits: z.array(searchHitView).describe('Best match first.'),
  next_cursor: z
    .string()
    .nullable()
    .describe('Pass as cursor (with the same query and filters) for more hits; null when there are no more.'),
});
export type SearchResultView = z.infer<typeof searchResultView>;
