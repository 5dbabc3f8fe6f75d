import { z } from 'zod';
import { boundedBytes, conversationIdSchema, pageSize, ROLES, seqInt, text } from '../core/fields.js';
import { FIXED_LIMITS as F, type Limits, messageBytes } from '../core/limits.js';
import { metadataSchema } from '../core/metadata-schema.js';
import { itemBytes, jsonBytes, RESPONSE_RESERVE } from '../core/response-budget.js';
import { checkToolCallOrder } from './tool-call-order.js';

/**
 * Inputs and outputs of the message tools. Cross-field rules live in `superRefine` so their
 * errors carry a field path.
 */

export function toolCallSchema(limits: Limits) {
  return z.strictObject({
    id: text(F.toolCallIdChars).min(1, 'text must not be empty').describe('Unique within the conversation.'),
    type: z.literal('function'),
    function: z.strictObject({
      name: text(F.functionNameChars).min(1, 'text must not be empty'),
      arguments: boundedBytes(limits.maxContentBytes, '--max-content-bytes').describe(
        'As the model produced them (usually JSON); kept byte-for-byte.',
      ),
    }),
  });
}

export function messageInputSchema(limits: Limits) {
  return z
    .strictObject({
      role: z.enum(ROLES),
      content: boundedBytes(limits.maxContentBytes, '--max-content-bytes')
        .nullable()
        .optional()
        .describe('Text; null or empty only for an assistant message with tool_calls.'),
      name: text(F.nameChars).min(1, 'text must not be empty').optional().describe('Name of the participant.'),
      tool_calls: z
        .array(toolCallSchema(limits))
        .min(1, 'tool_calls must not be empty; omit the field instead')
        .max(F.toolCallsPerMessage, `tool_calls must have at most ${F.toolCallsPerMessage} entries`)
        .optional()
        .describe('Assistant only: the tools the model called.'),
      tool_call_id: text(F.toolCallIdChars)
        .min(1, 'text must not be empty')
        .optional()
        .describe('Tool messages only (required there): the call this answers.'),
      metadata: metadataSchema(limits).optional(),
    })
    .superRefine((m, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      if (m.tool_calls !== undefined && m.role !== 'assistant') {
        issue('tool_calls', `tool_calls are only allowed on assistant messages, not on role "${m.role}"`);
      }
      if (m.role === 'tool' && m.tool_call_id === undefined) {
        issue(
          'tool_call_id',
          'tool_call_id is required for role "tool": give the id of the tool call this result answers',
        );
      }
      if (m.role !== 'tool' && m.tool_call_id !== undefined) {
        issue('tool_call_id', `tool_call_id is only allowed on tool messages, not on role "${m.role}"`);
      }
      const carriesCalls = m.role === 'assistant' && m.tool_calls !== undefined;
      if (!carriesCalls && (m.content === undefined || m.content === null || m.content === '')) {
        issue(
          'content',
          'content is required and must not be empty (only an assistant message with tool_calls may omit it)',
        );
      }
    });
}
export type MessageInput = z.infer<ReturnType<typeof messageInputSchema>>;

/** Everything one append stores, in UTF-8 bytes: the quantity `maxBatchBytes` bounds. */
export function batchBytes(messages: readonly MessageInput[]): number {
  return messages.reduce((total, m) => total + messageBytes(m), 0);
}

/** The view's fields an input message does not carry (id, seq, created_at) and their JSON. */
const VIEW_FIELDS_BYTES = 128;

/**
 * Every message must come back whole in one response (response-budget.ts): its size as JSON,
 * escapes included, within the response budget. A message of control characters is six times
 * its stored size on the wire; one of ordinary text, barely more. Checked for append and
 * import alike.
 */
export function checkMessagesFit(
  messages: readonly MessageInput[],
  limits: Limits,
  ctx: z.RefinementCtx,
  at: readonly PropertyKey[],
): void {
  const room = itemBytes(limits.maxResponseBytes);
  messages.forEach((m, i) => {
    const wire = jsonBytes(m) + VIEW_FIELDS_BYTES;
    if (wire > room) {
      ctx.addIssue({
        code: 'custom',
        path: [...at, i],
        message:
          `message takes ${wire} bytes as JSON (control characters take 6 bytes each, quotes and backslashes 2); ` +
          `one message must fit in one response to be read back whole: at most ${room} bytes (server option --max-response-bytes, less ${RESPONSE_RESERVE} for the envelope). Split it`,
      });
    }
  });
}

/**
 * Batch rules that need no database: call ids unique within the batch, and a tool result
 * that answers a call from this batch must come after it. Results that answer calls from
 * earlier appends are checked by the store, inside the append transaction.
 */
function checkBatch(messages: readonly MessageInput[], limits: Limits, ctx: z.RefinementCtx): void {
  checkMessagesFit(messages, limits, ctx, ['messages']);
  const bytes = batchBytes(messages);
  if (bytes > limits.maxBatchBytes) {
    ctx.addIssue({
      code: 'custom',
      path: ['messages'],
      message: `messages hold ${bytes} bytes in all; the limit is ${limits.maxBatchBytes} per call (server option --max-batch-bytes): split them over several calls`,
    });
  }
  checkToolCallOrder(messages, ctx, { at: ['messages'], newConversation: false });
}

export function appendInputSchema(limits: Limits) {
  return z
    .strictObject({
      conversation_id: conversationIdSchema,
      messages: z
        .array(messageInputSchema(limits))
        .min(1, 'messages must hold at least one message')
        .max(
          limits.maxMessagesPerCall,
          `messages must hold at most ${limits.maxMessagesPerCall} messages per call (server option --max-messages-per-call)`,
        )
        .describe('Messages to store, in order.'),
      idempotency_key: text(F.idempotencyKeyChars)
        .min(1, 'text must not be empty')
        .optional()
        .describe('A retry with the same key returns the first result.'),
    })
    .superRefine((input, ctx) => checkBatch(input.messages, limits, ctx));
}
export type AppendInput = z.infer<ReturnType<typeof appendInputSchema>>;

const seqSchema = seqInt(0);

export const getHistoryInputSchema = z
  .strictObject({
    conversation_id: conversationIdSchema,
    limit: pageSize(F.historyMax).optional().describe(`How many (default ${F.historyDefault}, max ${F.historyMax}).`),
    before_seq: seqSchema.optional().describe('Page backwards: the messages before this seq.'),
    after_seq: seqSchema.optional().describe('Page forwards: the messages after this seq (0 = from the start).'),
  })
  .superRefine((v, ctx) => {
    if (v.before_seq !== undefined && v.after_seq !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['after_seq'],
        message: 'after_seq cannot be combined with before_seq: give one of them',
      });
    }
  });
export type GetHistoryInput = z.infer<typeof getHistoryInputSchema>;

export const deleteMessagesInputSchema = z.strictObject({
  conversation_id: conversationIdSchema,
  from_seq: seqInt(1).describe('First seq to delete.'),
});
export type DeleteMessagesInput = z.infer<typeof deleteMessagesInputSchema>;

const jsonObject = z.record(z.string(), z.unknown());

export const toolCallView = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const messageView = z.object({
  id: z.string(),
  seq: z.int(),
  role: z.enum(ROLES),
  content: z.string().nullable(),
  name: z.string().optional(),
  tool_calls: z.array(toolCallView).optional(),
  tool_call_id: z.string().optional(),
  metadata: jsonObject.optional(),
  created_at: z.string(),
});
export type MessageView = z.infer<typeof messageView>;

export const appendedView = z.object({
  conversation_id: z.string(),
  messages: z.array(z.object({ id: z.string(), seq: z.int() })),
  message_count: z.int(),
  replayed: z.boolean().describe('true when an idempotency_key matched an earlier call and nothing new was stored.'),
});
export type AppendedView = z.infer<typeof appendedView>;

export const historyPageView = z.object({
  conversation_id: z.string(),
  messages: z.array(messageView),
  message_count: z.int(),
  has_more_before: z.boolean().describe('Older messages exist: pass before_seq = the first returned seq.'),
  has_more_after: z.boolean().describe('Newer messages exist: pass after_seq = the last returned seq.'),
});
export type HistoryPageView = z.infer<typeof historyPageView>;

export const rewoundView = z.object({ conversation_id: z.string(), deleted_messages: z.int(), message_count: z.int() });
export type RewoundView = z.infer<typeof rewoundView>;
