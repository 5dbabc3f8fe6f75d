import { z } from 'zod';
import { FIXED_LIMITS as F } from './limits.js';
import { conversationIdSchema, seqInt, text } from './schemas.js';

/** Inputs of the tools that branch or rewind a conversation. */

export const forkInputSchema = z.strictObject({
  conversation_id: conversationIdSchema,
  through_seq: seqInt(1)
    .optional()
    .describe('Copy messages 1..through_seq (default: all of them).'),
  title: text(F.titleChars).optional().describe('Title of the new conversation (default: the original title + " (fork)").'),
});
export type ForkInput = z.infer<typeof forkInputSchema>;

export const deleteMessagesInputSchema = z.strictObject({
  conversation_id: conversationIdSchema,
  from_seq: seqInt(1).describe('First seq to delete; it and every later message are removed.'),
});
export type DeleteMessagesInput = z.infer<typeof deleteMessagesInputSchema>;
