import { Prisma } from '../generated/sqlite/client.js';
import type { SearchPosition } from './search-cursor.js';
import { type Filters, filterConditions, type HitRow } from './search-filters.js';
import type { Part } from './search-query.js';
import type { Scope } from './scope.js';

/**
 * search_messages' page on PostgreSQL: the tsvector twin of search.ts's FTS5 page
 * (migration 20261122100000_search_tsvector holds the index, its triggers and the SQL
 * functions named here).
 *
 * - The query: each word or phrase of search-query.ts becomes a tsquery built in SQL by
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
export async function rankedPagePostgres(
  s: Scope,
  parts: readonly Part[],
  f: Filters,
  after: SearchPosition | undefined,
  take: number,
): Promise<HitRow[]> {
  const query = Prisma.join(
    parts.map((p) => Prisma.sql`chat_history_search_query(${p.text}, ${p.prefix})`),
    ' && ',
  );
  const score = Prisma.sql`(-ts_rank('{0.1, 0.2, 0.5, 1.0}'::real[], f.document, q.query, 1))`;
  const where = [
    Prisma.sql`f.document @@ q.query`,
    ...filterConditions(s, f),
    ...(after === undefined
      ? []
      : [
          Prisma.sql`(${score} > ${after.score}::real OR (${score} = ${after.score}::real AND f.fts_rowid > ${after.ftsRowid}))`,
        ]),
  ];
  return s.db.$queryRaw<HitRow[]>`
    WITH q AS (SELECT ${query} AS query),
    page AS MATERIALIZED (
      SELECT f.fts_rowid, ${score} AS score, k.message_id
      FROM q, messages_fts f JOIN messages_fts_map k ON k.fts_rowid = f.fts_rowid
      WHERE ${Prisma.join(where, ' AND ')}
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
