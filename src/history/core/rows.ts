import type { ConversationView } from '../conversations/schemas.js';
import type { MessageView } from '../messages/schemas.js';

/**
 * Rows as the database gives them, turned into what the tools return. One place for it: raw
 * queries hand back integers as BigInt (SQLite) or numbers and timestamps as Date or text,
 * whichever the driver chose.
 */

/** An integer column of a raw row. */
export function int(value: number | bigint): number {
  return Number(value);
}

/** A timestamp column of a raw row. */
export function instant(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

interface ConversationRow {
  id: string;
  key: string | null;
  title: string | null;
  metadata: string | null;
  messageCount: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
  deletedAt: Date | null;
  purgeAt: Date | null;
  forkedFrom: string | null;
  forkedThroughSeq: number | null;
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
    ...(row.expiresAt !== null && { expires_at: row.expiresAt.toISOString() }),
    ...(row.deletedAt !== null && { deleted_at: row.deletedAt.toISOString() }),
    ...(row.purgeAt !== null && { purge_at: row.purgeAt.toISOString() }),
    ...(row.forkedFrom !== null && {
      forked_from: { conversation_id: row.forkedFrom, through_seq: row.forkedThroughSeq ?? 0 },
    }),
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
