import type { RawQueries } from '../../db/index.js';
import { empty, raw, sql } from '../../db/sql.js';
import { instant, int, toMessageView } from '../core/rows.js';
import type { MessageView } from './schemas.js';

export interface PageRange {
  conversationId: string;
  /** Inclusive seq bounds. */
  fromSeq: number;
  toSeq: number;
  /** Which end to start from: the `limit` lowest seqs, or the `limit` highest. */
  from: 'start' | 'end';
  limit: number;
  /**
   * Stop once the messages read hold more than this many bytes (content, tool-call arguments
   * and metadata as stored): the message that passes it is the last one read, so a page holds
   * at least one. Bounds the memory of a page of huge messages before anything else looks at it.
   */
  maxBytes: number;
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
  tokens_o200k?: number | bigint | null;
  tokens_o200k_estimated?: boolean | number | bigint | null;
  call_id: string | null;
  call_type: string | null;
  call_name: string | null;
  call_arguments: string | null;
}

/**
 * Messages of a seq range with their tool calls, in ONE statement, in walk order (ascending
 * from the start, descending from the end). Raw on purpose: get_history runs it on every
 * call, and Prisma's findMany+include costs two statements plus its query compiler.
 *
 * First the sizes: octet_length reads a value's length from the row header without loading
 * the value (SQLite ≥ 3.43, as bundled; PostgreSQL reads the TOAST header), so a page of 500
 * messages of 4 MiB is measured, not read. Only the messages within `maxBytes` are then
 * read, each joined to its tool calls by (message_id, position). Seqs are gapless, so the
 * messages kept are one seq range: read as a range of the (conversation_id, seq) index, not
 * joined row by row — PostgreSQL, misled by stale statistics right after a bulk load, once
 * planned that join as a scan of the whole conversation per row (a 20,000-message fork: 42 s).
 */
export async function loadMessages(db: RawQueries, r: PageRange): Promise<MessageView[]> {
  return (await readPage(db, r, false)).views;
}

/** A message's token count as get_context stored it (messages.tokens_o200k), or null. */
export interface StoredTokens {
  tokens: number;
  estimated: boolean;
}

/** loadMessages, with each message's stored token count beside it (same order). */
export function loadMessagesWithTokens(
  db: RawQueries,
  r: PageRange,
): Promise<{ views: MessageView[]; tokens: Array<StoredTokens | null> }> {
  return readPage(db, r, true);
}

async function readPage(db: RawQueries, r: PageRange, withTokens: boolean) {
  const order = raw(r.from === 'start' ? 'ASC' : 'DESC');
  const rows = await db.$queryRaw<Row[]>`
    WITH sized AS MATERIALIZED (
      SELECT m.seq,
             COALESCE(octet_length(m.content), 0) + COALESCE(octet_length(m.metadata), 0)
             + COALESCE((SELECT SUM(octet_length(t.arguments)) FROM tool_calls t WHERE t.message_id = m.id), 0) AS bytes
      FROM messages m
      WHERE m.conversation_id = ${r.conversationId} AND m.seq BETWEEN ${r.fromSeq} AND ${r.toSeq}
      ORDER BY m.seq ${order} LIMIT ${r.limit}
    ),
    kept AS MATERIALIZED (
      SELECT seq FROM (
        SELECT seq, SUM(bytes) OVER (ORDER BY seq ${order} ROWS UNBOUNDED PRECEDING) - bytes AS before FROM sized
      ) AS walked
      WHERE before <= ${r.maxBytes}
    ),
    page AS MATERIALIZED (
      SELECT m.id, m.seq, m.role, m.content, m.name, m.tool_call_id, m.metadata, m.created_at
             ${withTokens ? sql`, m.tokens_o200k, m.tokens_o200k_estimated` : empty}
      FROM messages m
      WHERE m.conversation_id = ${r.conversationId}
        AND m.seq BETWEEN (SELECT MIN(seq) FROM kept) AND (SELECT MAX(seq) FROM kept)
    )
    SELECT page.*, tc.call_id, tc.type AS call_type, tc.name AS call_name, tc.arguments AS call_arguments
    FROM page LEFT JOIN tool_calls tc ON tc.message_id = page.id
    ORDER BY page.seq ${order}, tc.position`;

  const views: MessageView[] = [];
  const tokens: Array<StoredTokens | null> = [];
  let current:
    | { id: string; calls: Array<{ callId: string; type: string; name: string; arguments: string }>; row: Row }
    | undefined;
  const flush = () => {
    if (current === undefined) return;
    const m = current.row;
    views.push(
      toMessageView({
        id: m.id,
        seq: int(m.seq),
        role: m.role,
        content: m.content,
        name: m.name,
        toolCallId: m.tool_call_id,
        metadata: m.metadata,
        createdAt: instant(m.created_at),
        toolCalls: current.calls,
      }),
    );
    if (withTokens) tokens.push(storedTokens(m));
  };
  for (const row of rows) {
    if (current?.id !== row.id) {
      flush();
      current = { id: row.id, calls: [], row };
    }
    if (row.call_id !== null) {
      current.calls.push({
        callId: row.call_id,
        type: row.call_type!,
        name: row.call_name!,
        arguments: row.call_arguments!,
      });
    }
  }
  flush();
  return { views, tokens };
}

function storedTokens(row: Row): StoredTokens | null {
  if (row.tokens_o200k == null) return null;
  // SQLite hands a BOOLEAN back as 0/1, PostgreSQL as a boolean.
  return { tokens: int(row.tokens_o200k), estimated: Boolean(row.tokens_o200k_estimated) };
}
