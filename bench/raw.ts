/**
 * The physical limit of the store: the same rows written or read with raw better-sqlite3
 * prepared statements (prepared once), in this process, on a copy of the same seeded file,
 * with the connection settings the server uses (WAL, synchronous=NORMAL, foreign keys on).
 * No validation, no protocol, no ORM: what any implementation on this file must at least pay.
 */
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { MessageRow } from './corpus.js';
import { OWNER } from './fill.js';
import { prepareMessageInserts } from './inserts.js';

const iso = (d: Date) => d.toISOString().replace('Z', '+00:00');

export interface RawStore {
  /** BEGIN IMMEDIATE; UPDATE conversations … RETURNING; INSERT messages (+ tool_calls); COMMIT. */
  append(conversationId: string, rows: readonly MessageRow[]): number;
  /** Owner check + count, then the newest `limit` messages with their tool calls (one join). */
  history(conversationId: string, limit: number): unknown[];
  conversation(id: string): unknown;
  list(limit: number): unknown[];
  /** FTS5 prefix match of one word, owner-filtered, best `limit` hits; null without an FTS table. */
  search: ((query: string, limit: number) => unknown[]) | null;
  /** Drop the triggers on messages and tool_calls (this copy only); returns how many there were. */
  dropWriteTriggers(): number;
  close(): void;
}

interface JoinedRow {
  id: string;
  seq: number;
  role: string;
  content: string | null;
  name: string | null;
  tool_call_id: string | null;
  metadata: string | null;
  created_at: string;
  call_id: string | null;
  type: string | null;
  fn: string | null;
  arguments: string | null;
}

export function openRaw(path: string): RawStore {
  const db = new Database(path, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');

  const bump = db.prepare(
    `UPDATE conversations SET message_count = message_count + ?, updated_at = ?
     WHERE id = ? AND owner = ? RETURNING message_count`,
  );
  const { insMsg, insCall } = prepareMessageInserts(db);
  const append = db.transaction((conversationId: string, rows: readonly MessageRow[]) => {
    const now = iso(new Date());
    const bumped = bump.get(rows.length, now, conversationId, OWNER) as { message_count: number } | undefined;
    if (!bumped) throw new Error('conversation not found');
    let seq = bumped.message_count - rows.length;
    for (const m of rows) {
      const id = uuidv7();
      insMsg.run(id, conversationId, ++seq, m.role, m.content, m.toolCallId ?? null, now);
      m.toolCalls?.forEach((c, position) => {
        insCall.run(conversationId, c.id, id, position, c.name, c.arguments);
      });
    }
    return bumped.message_count;
  });

  const count = db.prepare('SELECT message_count FROM conversations WHERE id = ? AND owner = ?');
  const page = db.prepare(
    `SELECT m.id, m.seq, m.role, m.content, m.name, m.tool_call_id, m.metadata, m.created_at,
            tc.call_id, tc.type, tc.name AS fn, tc.arguments
     FROM (SELECT * FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?) m
     LEFT JOIN tool_calls tc ON tc.message_id = m.id
     ORDER BY m.seq DESC, tc.position`,
  );
  const conv = db.prepare('SELECT * FROM conversations WHERE id = ? AND owner = ?');
  const list = db.prepare('SELECT * FROM conversations WHERE owner = ? ORDER BY updated_at DESC, id DESC LIMIT ?');
  const hasFts = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'messages_fts'`).get() !== undefined;
  // What search_messages must do for one page: match, rank (bm25, content weighted twice),
  // owner filter on the FTS key map, one row more than the page (for next_cursor), then the
  // page's messages, titles and snippets. CROSS JOIN pins "matches first" (without statistics
  // SQLite may otherwise start from the owner's rows). Skipped when the schema differs.
  const hasMapOwner =
    db.prepare(`SELECT 1 FROM pragma_table_info('messages_fts_map') WHERE name = 'owner'`).get() !== undefined;
  const search =
    hasFts && hasMapOwner
      ? db.prepare(
          `WITH page AS MATERIALIZED (
           SELECT f.rowid AS fts_rowid, bm25(messages_fts, 2.0, 1.0) AS score, k.message_id
           FROM messages_fts f CROSS JOIN messages_fts_map k ON k.fts_rowid = f.rowid
           WHERE messages_fts MATCH @q AND k.owner = @owner
           ORDER BY score, f.rowid LIMIT @limit
         )
         SELECT page.fts_rowid, page.score, m.id, m.conversation_id, c.title, m.seq, m.role, m.created_at,
           (SELECT snippet(messages_fts, -1, '«', '»', '…', 24) FROM messages_fts
            WHERE messages_fts MATCH @q AND rowid = page.fts_rowid) AS snippet
         FROM page
         JOIN messages m ON m.id = page.message_id
         JOIN conversations c ON c.id = m.conversation_id
         ORDER BY page.score, page.fts_rowid`,
        )
      : null;

  return {
    append: (conversationId, rows) => append.immediate(conversationId, rows),
    history(conversationId, limit) {
      const c = count.get(conversationId, OWNER) as { message_count: number } | undefined;
      if (!c) throw new Error('conversation not found');
      return group(page.all(conversationId, c.message_count + 1, limit) as JoinedRow[]);
    },
    conversation: (id) => conv.get(id, OWNER),
    list: (limit) => list.all(OWNER, limit + 1),
    search: search && ((query, limit) => search.all({ q: `"${query}"*`, owner: OWNER, limit: limit + 1 })),
    dropWriteTriggers() {
      const triggers = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('messages', 'tool_calls')`)
        .all() as { name: string }[];
      for (const t of triggers) db.exec(`DROP TRIGGER "${t.name.replaceAll('"', '""')}"`);
      return triggers.length;
    },
    close: () => db.close(),
  };
}

/** Fold the join's one-row-per-call back into messages with tool_calls arrays, oldest first. */
function group(rows: JoinedRow[]): unknown[] {
  const out: Array<Record<string, unknown> & { tool_calls?: unknown[] }> = [];
  let last: string | undefined;
  for (const r of rows) {
    if (r.id !== last) {
      last = r.id;
      out.push({
        id: r.id,
        seq: r.seq,
        role: r.role,
        content: r.content,
        name: r.name,
        tool_call_id: r.tool_call_id,
        metadata: r.metadata,
        created_at: r.created_at,
      });
    }
    if (r.call_id !== null) {
      const m = out.at(-1)!;
      m.tool_calls ??= [];
      m.tool_calls.push({ id: r.call_id, type: r.type, function: { name: r.fn, arguments: r.arguments } });
    }
  }
  return out.reverse();
}
