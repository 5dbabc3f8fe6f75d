import { z } from 'zod';
import { conversationIdSchema, pageSize, seqInt, text } from '../core/fields.js';
import { FIXED_LIMITS as F, type Limits } from '../core/limits.js';
import { metadataSchema } from '../core/metadata-schema.js';
import { timestampSchema } from '../core/timestamps.js';

const expiresAt = () =>
  timestampSchema('expires_at').describe('ISO-8601 time after which it goes to the trash automatically (retention).');

/** Inputs and outputs of the conversation tools (outputs are published as their outputSchema). */

export function createConversationInputSchema(limits: Limits) {
  return z.strictObject({
    title: text(F.titleChars).optional().describe('Human-readable title.'),
    key: text(F.keyChars)
      .min(1, 'text must not be empty')
      .optional()
      .describe('Your stable key for it, e.g. a session or thread id.'),
    metadata: metadataSchema(limits).optional(),
    expires_at: expiresAt().optional(),
  });
}
export type CreateConversationInput = z.infer<ReturnType<typeof createConversationInputSchema>>;

export function updateConversationInputSchema(limits: Limits) {
  return z.strictObject({
    conversation_id: conversationIdSchema,
    title: text(F.titleChars).nullable().optional().describe('New title; null clears it.'),
    metadata: metadataSchema(limits).nullable().optional().describe('New metadata, replacing the old; null clears it.'),
    expires_at: expiresAt().nullable().optional().describe('New expiry (ISO-8601); null: never expires.'),
  });
}
export type UpdateConversationInput = z.infer<ReturnType<typeof updateConversationInputSchema>>;

export const conversationRefSchema = z.strictObject({ conversation_id: conversationIdSchema });

export const listConversationsInputSchema = z.strictObject({
  limit: pageSize(F.listMax).optional().describe(`Page size (default ${F.listDefault}, max ${F.listMax}).`),
  cursor: text(1000).optional().describe('next_cursor of the previous page.'),
  query: text(F.titleChars)
    .min(1, 'text must not be empty')
    .optional()
    .describe('Only those whose title or key contains this text (case-insensitive).'),
  trash: z
    .boolean()
    .optional()
    .describe('true: list the trash instead (deleted, still restorable), most recently deleted first.'),
});
export type ListConversationsInput = z.infer<typeof listConversationsInputSchema>;

export const forkInputSchema = z.strictObject({
  conversation_id: conversationIdSchema,
  through_seq: seqInt(1).optional().describe('Last seq to copy (default: all).'),
  title: text(F.titleChars).optional().describe('Title of the fork (default: the original\'s + " (fork)").'),
});
export type ForkInput = z.infer<typeof forkInputSchema>;

const jsonObject = z.record(z.string(), z.unknown());

export const conversationView = z.object({
  id: z.string(),
  key: z.string().nullable(),
  title: z.string().nullable(),
  metadata: jsonObject.nullable(),
  message_count: z.int(),
  created_at: z.string().describe('ISO-8601 timestamp.'),
  updated_at: z.string().describe('ISO-8601 timestamp of the last activity.'),
  expires_at: z.string().optional().describe('When retention moves it to the trash; absent: never.'),
  deleted_at: z.string().optional().describe('In the trash only: when it was deleted.'),
  purge_at: z.string().optional().describe('In the trash only: when it is deleted for good.'),
  forked_from: z
    .object({ conversation_id: z.string(), through_seq: z.int() })
    .optional()
    .describe('A fork only: the conversation whose messages 1..through_seq it copied.'),
});
export type ConversationView = z.infer<typeof conversationView>;

export const conversationPageView = z.object({
  conversations: z.array(conversationView),
  next_cursor: z.string().nullable().describe('Pass as cursor to get the next page; null on the last page.'),
});
export type ConversationPageView = z.infer<typeof conversationPageView>;

export const createdView = z.object({ conversation: conversationView, created: z.boolean() });

export const deletedView = z.object({
  conversation_id: z.string(),
  deleted_messages: z.int(),
  purge_at: z
    .string()
    .nullable()
    .describe('When the trash purges it (restore_conversation until then); null: deleted at once.'),
});
export type DeletedView = z.infer<typeof deletedView>;

export const restoredView = z.object({
  conversation: conversationView,
  key_restored: z
    .boolean()
    .describe('false when its key was taken meanwhile by a new conversation: it comes back without a key.'),
});
export type RestoredView = z.infer<typeof restoredView>;

export const forkView = z.object({ conversation: conversationView, forked_from: z.string(), through_seq: z.int() });
export type ForkView = z.infer<typeof forkView>;
