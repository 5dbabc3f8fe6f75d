import { searchFilterConditions } from '../search-filters.js';
import { join, sql } from '../sql.js';
import type { RawQueries, SearchHitRow, SearchPageQuery, SearchPart } from '../types.js';

/**
 * search_messages' page on SQLite: FTS5 (migration 20261122100000_search_fts holds the index
 * and its triggers; 20261124000000_search_linear_upkeep the trigger that indexes tool calls).
 *
 * The query: each word or phrase becomes an FTS5 string ("…", inner quotes doubled), where
 * FTS5's own tokenizer splits it further (so `foo-bar` or `src/index.ts` match as adjacent
 * words, and `content:x` or `NEAR` are plain words); a prefix part gets `*`; all parts must
 * match (AND). No part of the agent's text is ever FTS5 syntax, and the expression is bound
 * as a parameter, never spliced into SQL. The rank: bm25, content weighted 2:1 over calls.
 */
export function ftsExpression(parts: readonly SearchPart[]): string {
  return parts.map((p) => `"${p.text.replaceAll('"', '""')}"${p.prefix ? '*' : ''}`).join(' AND ');
}

/**
 * One page in (score, FTS rowid) order, in one statement:
 * - page: one FTS5 scan; bm25() is computed inside it (auxiliary functions only work there),
 *   and every filter reads the match's row in messages_fts_map, which carries owner,
 *   conversation, role and created_at. CROSS JOIN pins that order: the planner otherwise may
 *   start from the owner's messages and probe the matches, ~10x slower for selective queries.
 * - then the page's rows only: their message and conversation, and the indexed text (a rowid
 *   lookup in the FTS5 table, no MATCH) from which the snippets are made.
 * The CTE is MATERIALIZED so it is not flattened into the outer query. created_at compares as
 * text: Prisma stores every DateTime in one fixed-width ISO format and binds Date parameters
 * in the same format.
 */
export function searchPageSqlite(db: RawQueries, q: SearchPageQuery): Promise<SearchHitRow[]> {
  const score = sql`bm25(messages_fts, 2.0, 1.0)`;
  const where = [
    sql`messages_fts MATCH ${ftsExpression(q.parts)}`,
    ...searchFilterConditions(q.owner, q.filters),
    ...(q.after === undefined
      ? []
      : [sql`(${score} > ${q.after.score} OR (${score} = ${q.after.score} AND f.rowid > ${q.after.ftsRowid}))`]),
  ];

  return db.$queryRaw<SearchHitRow[]>`
    WITH page AS MATERIALIZED (
      SELECT f.rowid AS fts_rowid, ${score} AS score, k.message_id
      FROM messages_fts f CROSS JOIN messages_fts_map k ON k.fts_rowid = f.rowid
      WHERE ${join(where, ' AND ')}
      ORDER BY score, f.rowid
      LIMIT ${q.take}
    )
    SELECT page.fts_rowid, page.score, m.id, m.conversation_id, c.title, m.seq, m.role, m.created_at,
           text.content AS indexed_content, text.calls AS indexed_calls
    FROM page
    JOIN messages m ON m.id = page.message_id
    JOIN conversations c ON c.id = m.conversation_id
    JOIN messages_fts text ON text.rowid = page.fts_rowid
    ORDER BY page.score, page.fts_rowid`;
}
