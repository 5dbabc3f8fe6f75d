import { searchFilterConditions } from '../search-filters.js';
import { join, sql } from '../sql.js';
import type { RawQueries, SearchHitRow, SearchPageQuery } from '../types.js';

/**
 * search_messages' page on PostgreSQL: the tsvector twin of the FTS5 page (../sqlite/search-page.ts)
 * (migration 20261122100000_search_tsvector holds the index, its triggers and the SQL
 * functions named here).
 *
 * - The query: each word or phrase of the search becomes a tsquery built in SQL by
 *   chat_history_search_query() from the same normalised text the documents were indexed
 *   from, so both sides split words identically; the parts are ANDed (&&). Input is only
 *   ever a bound parameter, and the normalised text holds no tsquery operator characters.
 * - The rank: ts_rank with weights content (A) 1.0, tool calls (B) 0.5, the 2:1 of the FTS5
 *   bm25 weights, and normalisation 1 (divide by 1 + log(document length)), so long messages
 *   do not win by length alone. Negated, so that, as on SQLite, lower is better and the
 *   keyset (score, fts_rowid) ascends.
 * - The plan: the GIN index finds the matching documents of every owner, then each match's
 *   map row (primary key) applies owner and filters, as on SQLite.
 */
export function searchPagePostgres(db: RawQueries, q: SearchPageQuery): Promise<SearchHitRow[]> {
  const { parts, after, take } = q;
  const query = join(
    parts.map((p) => sql`chat_history_search_query(${p.text}, ${p.prefix})`),
    ' && ',
  );
  const score = sql`(-ts_rank('{0.1, 0.2, 0.5, 1.0}'::real[], f.document, q.query, 1))`;
  const where = [
    sql`f.document @@ q.query`,
    ...searchFilterConditions(q.owner, q.filters),
    ...(after === undefined
      ? []
      : [
          sql`(${score} > ${after.score}::real OR (${score} = ${after.score}::real AND f.fts_rowid > ${after.ftsRowid}))`,
        ]),
  ];
  return db.$queryRaw<SearchHitRow[]>`
    WITH q AS (SELECT ${query} AS query),
    page AS MATERIALIZED (
      SELECT f.fts_rowid, ${score} AS score, k.message_id
      FROM q, messages_fts f JOIN messages_fts_map k ON k.fts_rowid = f.fts_rowid
      WHERE ${join(where, ' AND ')}
      ORDER BY score, f.fts_rowid
      LIMIT ${take}
    )
    SELECT page.fts_rowid, page.score::float8 AS score, m.id, m.conversation_id, c.title, m.seq, m.role, m.created_at,
           m.content AS indexed_content, chat_history_search_calls(m.id) AS indexed_calls
    FROM page
    JOIN messages m ON m.id = page.message_id
    JOIN conversations c ON c.id = m.conversation_id
    ORDER BY page.score, page.fts_rowid`;
}
