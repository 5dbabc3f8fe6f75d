import { z } from 'zod';
import { checkToolCallOrder } from './batch-rules.js';
import { FIXED_LIMITS as F, type Limits, messageBytes, utf8Bytes } from './limits.js';
import { metadataSchema } from './metadata-schema.js';
import { itemBytes, jsonBytes, RESPONSE_RESERVE } from './response-budget.js';

/**
 * Input schemas of the history domain. They are the single source of truth for what an
 * agent may send: the store validates every call with them, and the MCP tools publish the
 * same schemas as their `inputSchema`, so the rules and the advertised JSON Schema cannot
 * drift apart. Cross-field rules live in `superRefine` so their errors carry a field path.
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

function boundedBytes(limitBytes: number, flag: string) {
  return text().refine((v) => utf8Bytes(v) <= limitBytes, {
    message: `text is over the limit of ${limitBytes} UTF-8 bytes (server option ${flag})`,
  });
}

export const conversationIdSchema = text(F.conversationIdChars)
  .min(1, 'text must not be empty')
  .describe('Id of the conversation, as returned by create_conversation or list_conversations.');

export function toolCallSchema(limits: Limits) {
  return z
    .strictObject({
      id: text(F.toolCallIdChars)
        .min(1, 'text must not be empty')
        .describe('Call id, unique within the conversation; the tool result names it in tool_call_id.'),
      type: z.literal('function').describe('Always "function".'),
      function: z.strictObject({
        name: text(F.functionNameChars).min(1, 'text must not be empty').describe('Name of the function called.'),
        arguments: boundedBytes(limits.maxContentBytes, '--max-content-bytes').describe(
          'Arguments as the model produced them (usually a JSON string); stored byte-for-byte.',
        ),
      }),
    })
    .describe('A tool call in the OpenAI chat shape.');
}

export function messageInputSchema(limits: Limits) {
  return z
    .strictObject({
      role: z.enum(ROLES).describe('Who wrote the message: system, user, assistant, or tool (a tool result).'),
      content: boundedBytes(limits.maxContentBytes, '--max-content-bytes')
        .nullable()
        .optional()
        .describe('Message text. May be null or empty only for an assistant message that carries tool_calls.'),
      name: text(F.nameChars).min(1, 'text must not be empty').optional().describe('Optional name of the participant.'),
      tool_calls: z
        .array(toolCallSchema(limits))
        .min(1, 'tool_calls must not be empty; omit the field instead')
        .max(F.toolCallsPerMessage, `tool_calls must have at most ${F.toolCallsPerMessage} entries`)
        .optional()
        .describe('Assistant messages only: the tools the model decided to call.'),
      tool_call_id: text(F.toolCallIdChars)
        .min(1, 'text must not be empty')
        .optional()
        .describe('Tool messages only (and required there): the id of the tool call this result answers.'),
      metadata: metadataSchema(limits).optional(),
    })
    .superRefine((m, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      if (m.tool_calls !== undefined && m.role !== 'assistant') {
        issue('tool_calls', `tool_calls are only allowed on assistant messages, not on role "${m.role}"`);
      }
      if (m.role === 'tool' && m.tool_call_id === undefined) {
        issue('tool_call_id', 'tool_call_id is required for role "tool": give the id of the tool call this result answers');
      }
      if (m.role !== 'tool' && m.tool_call_id !== undefined) {
        issue('tool_call_id', `tool_call_id is only allowed on tool messages, not on role "${m.role}"`);
      }
      const carriesCalls = m.role === 'assistant' && m.tool_calls !== undefined;
      if (!carriesCalls && (m.content === undefined || m.content === null || m.content === '')) {
        issue('content', 'content is required and must not be empty (only an assistant message with tool_calls may omit it)');
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
export function checkMessagesFit(messages: readonly MessageInput[], limits: Limits, ctx: z.RefinementCtx, at: readonly PropertyKey[]): void {
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
        .max(limits.maxMessagesPerCall, `messages must hold at most ${limits.maxMessagesPerCall} messages per call (server option --max-messages-per-call)`)
        .describe('Messages to append, in order. All are stored or none.'),
      idempotency_key: text(F.idempotencyKeyChars)
        .min(1, 'text must not be empty')
        .optional()
        .describe('Optional. Retrying a call with the same key returns the first result and stores nothing new.'),
    })
    .superRefine((input, ctx) => checkBatch(input.messages, limits, ctx));
}
export type AppendInput = z.infer<ReturnType<typeof appendInputSchema>>;

export function createConversationInputSchema(limits: Limits) {
  return z.strictObject({
    title: text(F.titleChars).optional().describe('Human-readable title.'),
    key: text(F.keyChars)
      .min(1, 'text must not be empty')
      .optional()
      .describe('Your own stable key (e.g. a thread or session id). With a key the call is get-or-create: the same key always yields the same conversation.'),
    metadata: metadataSchema(limits).optional(),
  });
}
export type CreateConversationInput = z.infer<ReturnType<typeof createConversationInputSchema>>;

export function updateConversationInputSchema(limits: Limits) {
  return z.strictObject({
    conversation_id: conversationIdSchema,
    title: text(F.titleChars).nullable().optional().describe('New title; null clears it; omit to keep.'),
    metadata: metadataSchema(limits)
      .nullable()
      .optional()
      .describe('New metadata object, replacing the old one; null clears it; omit to keep.'),
  });
}
export type UpdateConversationInput = z.infer<ReturnType<typeof updateConversationInputSchema>>;

export const conversationRefSchema = z.strictObject({ conversation_id: conversationIdSchema });

export const listConversationsInputSchema = z.strictObject({
  limit: z
    .int('number must be an integer')
    .min(1, 'number must be at least 1')
    .max(F.listMax, `number must be at most ${F.listMax}`)
    .optional()
    .describe(`Page size (default ${F.listDefault}, max ${F.listMax}).`),
  cursor: text(1000).optional().describe('next_cursor from the previous page; omit for the first page.'),
  query: text(F.titleChars)
    .min(1, 'text must not be empty')
    .optional()
    .describe('Only conversations whose title or key contains this text (case-insensitive for A–Z; % and _ are literal).'),
});
export type ListConversationsInput = z.infer<typeof listConversationsInputSchema>;

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

const seqSchema = seqInt(0);

export const getHistoryInputSchema = z
  .strictObject({
    conversation_id: conversationIdSchema,
    limit: z
      .int('number must be an integer')
      .min(1, 'number must be at least 1')
      .max(F.historyMax, `number must be at most ${F.historyMax}`)
      .optional()
      .describe(`How many messages (default ${F.historyDefault}, max ${F.historyMax}).`),
    before_seq: seqSchema.optional().describe('Return the messages just before this seq (page backwards).'),
    after_seq: seqSchema.optional().describe('Return the messages just after this seq (page forwards; 0 = from the start).'),
  })
  .superRefine((v, ctx) => {
    if (v.before_seq !== undefined && v.after_seq !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['after_seq'], message: 'after_seq cannot be combined with before_seq: give one of them' });
    }
  });
export type GetHistoryInput = z.infer<typeof getHistoryInputSchema>;
