import { z } from 'zod';
import { conversationIdSchema, text } from '../core/fields.js';
import { FIXED_LIMITS as F, type Limits, maxRequestBytes, messageBytes } from '../core/limits.js';
import { batchBytes, checkMessagesFit, messageInputSchema } from '../messages/schemas.js';
import { checkToolCallOrder } from '../messages/tool-call-order.js';
import { EXPORT_FORMATS, IMPORT_FORMATS } from './formats/format.js';

/** Inputs and outputs of export_conversation and import_conversation. */

export const exportInputSchema = z.strictObject({
  conversation_id: conversationIdSchema,
  format: z
    .enum(EXPORT_FORMATS, `format must be one of ${EXPORT_FORMATS.join(', ')}`)
    .describe('Output format (see the description).'),
  cursor: text(1000).optional().describe('next_cursor of the previous page.'),
});
export type ExportInput = z.infer<typeof exportInputSchema>;

export const exportPageView = z.object({
  conversation_id: z.string(),
  format: z.enum(EXPORT_FORMATS),
  data: z
    .unknown()
    .optional()
    .describe('json, openai, anthropic: this page as JSON (an object, or for openai an array). Absent for markdown.'),
  text: z.string().optional().describe('markdown: this page of the transcript. Absent for the other formats.'),
  first_seq: z.int().nullable().describe('Seq of the first message on this page; null when it holds none.'),
  last_seq: z.int().nullable().describe('Seq of the last message on this page; null when it holds none.'),
  message_count: z.int().describe('Messages in the whole conversation.'),
  next_cursor: z
    .string()
    .nullable()
    .describe('null on the last page; otherwise call again with cursor = this and the same format, and concatenate.'),
});
export type ExportPageView = z.infer<typeof exportPageView>;

export function importInputSchema(limits: Limits) {
  const maxBytes = limits.maxBatchBytes * F.importBatchFactor;
  return z.strictObject({
    format: z
      .enum(IMPORT_FORMATS, `format must be one of ${IMPORT_FORMATS.join(', ')} (markdown cannot be imported)`)
      .describe('The format of data.'),
    data: z
      .unknown()
      .refine((v) => v !== undefined, 'data is required')
      // What the JSON Schema says data is (zod's unknown has no type, which Gemini refuses); the
      // importer checks the rest and names the path inside data.
      .meta({ anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] })
      .describe(
        `The transcript. At most ${F.importMessagesMax} messages and ${maxBytes} bytes stored; a request is at most ` +
          `${maxRequestBytes(limits.maxBatchBytes)} bytes of JSON: import bigger files with \`chat-history-mcp import FILE\`.`,
      ),
    title: text(F.titleChars).nullable().optional().describe('Title; overrides one in json data; null for none.'),
    key: text(F.keyChars)
      .min(1, 'text must not be empty')
      .nullable()
      .optional()
      .describe('Key; overrides one in json data; null for none. Must be unused.'),
  });
}
export type ImportInput = z.infer<ReturnType<typeof importInputSchema>>;

/**
 * The messages of an import: each under the append rules, the batch under the append rules
 * for a NEW conversation (a result must answer a call earlier in the data), and the import
 * bounds instead of the per-call ones.
 */
export function importMessagesSchema(limits: Limits) {
  const maxBytes = limits.maxBatchBytes * F.importBatchFactor;
  return z
    .array(messageInputSchema(limits))
    .max(F.importMessagesMax, `messages must be at most ${F.importMessagesMax} per import`)
    .superRefine((messages, ctx) => {
      checkMessagesFit(messages, limits, ctx, []);
      // One message of an import must be one an append could have stored.
      messages.forEach((m, i) => {
        const stored = messageBytes(m);
        if (stored > limits.maxBatchBytes) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `message holds ${stored} bytes; one message may hold at most ${limits.maxBatchBytes} (server option --max-batch-bytes)`,
          });
        }
      });
      const bytes = batchBytes(messages);
      if (bytes > maxBytes) {
        ctx.addIssue({
          code: 'custom',
          message: `messages hold ${bytes} bytes in all; one import takes at most ${maxBytes} (${F.importBatchFactor} × server option --max-batch-bytes)`,
        });
      }
      checkToolCallOrder(messages, ctx, { at: [], newConversation: true });
    });
}
