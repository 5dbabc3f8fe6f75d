import { expect } from 'vitest';
import type { Database } from '../../src/db/index.js';

/** The search index holds exactly one row per message, made from the message's current content and calls. */
export async function expectIndexInSync(database: Database): Promise<void> {
  const [row] =
    database.provider === 'sqlite'
      ? await database.db.$queryRaw<Array<Record<string, bigint>>>`
    SELECT (SELECT count(*) FROM messages) AS messages,
           (SELECT count(*) FROM messages_fts_map) AS keys,
           (SELECT count(*) FROM messages_fts) AS indexed,
           (SELECT count(*) FROM messages m
              LEFT JOIN messages_fts_map k ON k.message_id = m.id
              LEFT JOIN messages_fts f ON f.rowid = k.fts_rowid
            WHERE f.rowid IS NULL OR f.content IS NOT m.content
               OR f.calls IS NOT (SELECT group_concat(text, ' ') FROM (
                    SELECT name || ' ' || arguments AS text FROM tool_calls WHERE message_id = m.id ORDER BY position))) AS stale`
      : await database.db.$queryRaw<Array<Record<string, bigint>>>`
    SELECT (SELECT count(*) FROM messages) AS messages,
           (SELECT count(*) FROM messages_fts_map) AS keys,
           (SELECT count(*) FROM messages_fts) AS indexed,
           (SELECT count(*) FROM messages m
              LEFT JOIN messages_fts_map k ON k.message_id = m.id
              LEFT JOIN messages_fts f ON f.fts_rowid = k.fts_rowid
            WHERE f.fts_rowid IS NULL
               OR f.document IS DISTINCT FROM chat_history_search_vector(m.content, chat_history_search_calls(m.id))) AS stale`;
  expect(Number(row!.keys)).toBe(Number(row!.messages));
  expect(Number(row!.indexed)).toBe(Number(row!.messages));
  expect(Number(row!.stale)).toBe(0);
  // FTS5's own check: the inverted index matches the stored text.
  if (database.provider === 'sqlite') {
    await database.db.$executeRawUnsafe(`INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`);
  }
}
