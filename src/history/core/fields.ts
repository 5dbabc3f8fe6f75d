import { z } from 'zod';
import { FIXED_LIMITS as F, utf8Bytes } from './limits.js';

/**
 * Field schemas every feature's inputs are made of. Zod schemas are the single source of what
 * an agent may send: the store validates every call with them, and the MCP tools publish the
 * same schemas as their `inputSchema`, so the rules and the advertised JSON Schema cannot
 * drift apart.
 */

export const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type Role = (typeof ROLES)[number];

/** Text that SQLite/PostgreSQL can store and give back unchanged (no lone UTF-16 surrogates). */
export function text(maxChars?: number, options: { allowNul?: boolean } = {}) {
  let s = z.string().refine((v) => v.isWellFormed(), 'text must be valid Unicode (found a lone surrogate)');
  // PostgreSQL cannot store U+0000 in text at all; refusing it on every backend keeps the
  // two alike (a conversation moved from SQLite to PostgreSQL must still fit).
  if (options.allowNul !== true) s = s.refine((v) => !v.includes('\u0000'), NUL_MESSAGE);
  return maxChars === undefined ? s : s.max(maxChars, `text must be at most ${maxChars} characters`);
}

const NUL_MESSAGE =
  'text must not contain the NUL character (U+0000), which PostgreSQL cannot store: remove it or escape it (e.g. as \\u0000)';

export function boundedBytes(limitBytes: number, flag: string) {
  return text().refine((v) => utf8Bytes(v) <= limitBytes, {
    message: `text is over the limit of ${limitBytes} UTF-8 bytes (server option ${flag})`,
  });
}

export const conversationIdSchema = text(F.conversationIdChars)
  .min(1, 'text must not be empty')
  .describe('Id of the conversation.');

/**
 * The largest seq there can be: seq and message_count are 32-bit INTEGER columns (on
 * PostgreSQL a larger number would not even compare with them). Bounding every seq input
 * here gives the same "at most …" error on both backends instead of a database error.
 */
export const MAX_SEQ = 2_147_483_647;

/** A seq-valued input: an integer from `min` to MAX_SEQ. `subject` starts the error messages. */
export function seqInt(min: number, subject = 'number') {
  return z
    .int(`${subject} must be an integer`)
    .min(min, min === 0 ? `${subject} must be 0 or more` : `${subject} must be at least ${min}`)
    .max(MAX_SEQ, `${subject} must be at most ${MAX_SEQ} (no conversation holds more messages)`);
}

/** A page size: an integer from 1 to `max` (callers add the default and the description). */
export function pageSize(max: number) {
  return z
    .int('number must be an integer')
    .min(1, 'number must be at least 1')
    .max(max, `number must be at most ${max}`);
}
