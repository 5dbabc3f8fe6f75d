import { z } from 'zod';
import { ROLES } from './schemas.js';

/**
 * What the history domain hands back. Zod schemas (not bare interfaces) because the MCP
 * tools publish them as `outputSchema`; the TypeScript types are inferred from them.
 */

const jsonObject = z.record(z.string(), z.unknown());

export const conversationView = z.object({
  id: z.string(),
  key: z.string().nullable(),
  title: z.string().nullable(),
  metadata: jsonObject.nullable(),
  message_count: z.int(),
  created_at: z.string().describe('ISO-8601 timestamp.'),
  updated_at: z.string().describe('ISO-8601 timestamp of the last activity.'),
});
export type ConversationView = z.infer<typeof conversationView>;

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

export const conversationPageView = z.object({
  conversations: z.array(conversationView),
  next_cursor: z.string().nullable().describe('Pass as cursor to get the next page; null on the last page.'),
});
export type ConversationPageView = z.infer<typeof conversationPageView>;

// --- rows -> views -------------------------------------------------------------------------

interface ConversationRow {
  id: string;
  key: string | null;
  title: string | null;
  metadata: string | null;
  messageCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export function toConversationView(row: ConversationRow): ConversationView {
  return {
    id: row.id,
    key: row.key,
    title: row.title,
    metadata: parseMetadata(row.metadata),
    message_count: row.messageCount,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

interface MessageRow {
  id: string;
  seq: number;
  role: string;
  content: string | null;
  name: string | null;
  toolCallId: string | null;
  metadata: string | null;
  createdAt: Date;
  toolCalls: Array<{ callId: string; type: string; name: string; arguments: string }>;
}

export function toMessageView(row: MessageRow): MessageView {
  const view: MessageView = {
    id: row.id,
    seq: row.seq,
    role: row.role as MessageView['role'],
    content: row.content,
    created_at: row.createdAt.toISOString(),
  };
  if (row.name !== null) view.name = row.name;
  if (row.toolCalls.length > 0) {
    view.tool_calls = row.toolCalls.map((c) => ({
      id: c.callId,
      type: 'function' as const,
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  if (row.toolCallId !== null) view.tool_call_id = row.toolCallId;
  const metadata = parseMetadata(row.metadata);
  if (metadata !== null) view.metadata = metadata;
  return view;
}

function parseMetadata(json: string | null): Record<string, unknown> | null {
  return json === null ? null : (JSON.parse(json) as Record<string, unknown>);
}

/** A stored message as it was appended: without its id, seq and time (export json, fork copies). */
export function appendedFields(m: MessageView) {
  return {
    role: m.role,
    content: m.content,
    ...(m.name !== undefined && { name: m.name }),
    ...(m.tool_calls !== undefined && { tool_calls: m.tool_calls }),
    ...(m.tool_call_id !== undefined && { tool_call_id: m.tool_call_id }),
    ...(m.metadata !== undefined && { metadata: m.metadata }),
  };
}

