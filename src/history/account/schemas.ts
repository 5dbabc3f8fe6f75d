import { z } from 'zod';
import { AUDIT_OPERATIONS } from '../core/audit.js';
import { conversationIdSchema, pageSize, text } from '../core/fields.js';
import { timestampSchema } from '../core/timestamps.js';

/** Inputs and outputs of the account tools: the owner's audit trail and usage. */

export const AUDIT_PAGE = { default: 50, max: 200 } as const;

export const listAuditEventsInputSchema = z.strictObject({
  conversation_id: conversationIdSchema.optional().describe('Only events of this conversation.'),
  operation: z.enum(AUDIT_OPERATIONS).optional().describe('Only events of this operation.'),
  since: timestampSchema('since').optional().describe('Only events at or after this ISO-8601 time.'),
  limit: pageSize(AUDIT_PAGE.max)
    .optional()
    .describe(`Page size (default ${AUDIT_PAGE.default}, max ${AUDIT_PAGE.max}).`),
  cursor: text(1000).optional().describe('next_cursor of the previous page.'),
});
export type ListAuditEventsInput = z.infer<typeof listAuditEventsInputSchema>;

export const auditEventView = z.object({
  id: z.string(),
  at: z.string().describe('ISO-8601 timestamp.'),
  operation: z.enum(AUDIT_OPERATIONS),
  conversation_id: z.string().nullable(),
  actor: z
    .object({
      kind: z.enum(['local', 'token', 'service', 'cli', 'sweep']),
      id: z.string().optional().describe('The token id.'),
      name: z.string().optional().describe("The token's name, or the MCP client's name/version."),
    })
    .describe('Who made the change.'),
  first_seq: z.int().optional(),
  last_seq: z.int().optional(),
  messages: z.int().optional().describe('Messages added or removed.'),
  bytes: z.number().optional().describe('Stored bytes added or removed.'),
  outcome: z.string(),
});
export type AuditEventView = z.infer<typeof auditEventView>;

export const auditPageView = z.object({
  events: z.array(auditEventView).describe('Newest first.'),
  next_cursor: z
    .string()
    .nullable()
    .describe(
      'Pass as cursor to get the next page; null on the last page. A page examines at most 5,000 events, so a ' +
        'filtered page may hold fewer than limit (even none) and still have a next_cursor.',
    ),
});
export type AuditPageView = z.infer<typeof auditPageView>;

export const usageView = z.object({
  conversations: z.int().describe('Live conversations (the trash does not count).'),
  bytes: z.number().describe('Stored bytes of their messages: content, tool-call arguments, metadata.'),
  max_conversations: z.int().nullable().describe('Conversation quota; null: unlimited.'),
  max_bytes: z.number().nullable().describe('Byte quota; null: unlimited.'),
  trash: z.int().describe('Conversations in the trash, restorable until their purge_at.'),
  trash_days: z.int().describe('How long a deleted conversation stays restorable; 0: deleted at once.'),
  retain_days: z.int().nullable().describe('Inactive conversations go to the trash after this many days; null: never.'),
});
export type UsageView = z.infer<typeof usageView>;
