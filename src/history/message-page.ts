import { Prisma } from '../generated/sqlite/client.js';
import type { HistoryDb } from '../db/client.js';
import { type MessageView, toMessageView } from './views.js';

export interface PageRange {
  conversationId: string;
  /** Inclusive seq bounds. */
  fromSeq: number;
  toSeq: number;
  /** Which end to start from: the `limit` lowest seqs, or the `limit` highest. */
  from: 'start' | 'end';
  limit: number;
}

interface Row {
  id: string;
  seq: number | bigint;
  role: string;
  content: string | null;
  name: string | null;
  tool_call_id: string | null;
  metadata: string | null;
  created_at: Date | string;
  call_id: string | null;
  call_type: string | null;
  call_name: string | null;
  call_arguments: string | null;
}

/**
 * Messages of a seq range with their tool calls, in ONE statement (page of messages by the
 * (conversation_id, seq) index, joined to tool_calls by (message_id, position)). Raw on
 * purpose: get_history runs it on every call, and Prisma's findMany+include costs two
 * statements plus its query compiler. Returned in walk order (ascending from the start,
 * descending from the end).
 */
export async function readMessagePage(db: HistoryDb, r: PageRange): Promise<MessageView[]> {
  const order = Prisma.raw(r.from === 'start' ? 'ASC' : 'DESC');
  const rows = await db.$queryRaw<Row[]>`
    WITH page AS MATERIALIZED (
      SELECT id, seq, role, content, name, tool_call_id, metadata, created_at FROM messages
      WHERE conversation_id = ${r.conversationId} AND seq BETWEEN ${r.fromSeq} AND ${r.toSeq}
      ORDER BY seq ${order} LIMIT ${r.limit}
    )
    SELECT page.*, tc.call_id, tc.type AS call_type, tc.name AS call_name, tc.arguments AS call_arguments
    FROM page LEFT JOIN tool_calls tc ON tc.message_id = page.id
    ORDER BY page.seq ${order}, tc.position`;

  const views: MessageView[] = [];
  let current: { id: string; calls: Array<{ callId: string; type: string; name: string; arguments: string }>; row: Row } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const m = current.row;
    views.push(
      toMessageView({
        id: m.id,
        seq: Number(m.seq),
        role: m.role,
        content: m.content,
        name: m.name,
        toolCallId: m.tool_call_id,
        metadata: m.metadata,
        createdAt: new Date(m.created_at),
        toolCalls: current.calls,
      }),
    );
  };
  for (const row of rows) {
    if (current?.id !== row.id) {
      flush();
      current = { id: row.id, calls: [], row };
    }
    if (row.call_id !== null) {
      current.calls.push({ callId: row.call_id, type: row.call_type!, name: row.call_name!, arguments: row.call_arguments! });
    }
  }
  flush();
  return views;
}
