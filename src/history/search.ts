import { Prisma } from '../generated/sqlite/client.js';
import { conversationNotFound } from './errors.js';
import { FIXED_LIMITS as F } from './limits.js';
import { decodeSearchCursor, encodeSearchCursor, type SearchPosition, searchFingerprint } from './search-cursor.js';
import { type Filters, filterConditions, type HitRow } from './search-filters.js';
import { rankedPagePostgres } from './search-postgresql.js';
import { toMatchQuery } from './search-query.js';
import { makeSnippet, type SnippetTerm, snippetTerms } from './search-snippet.js';
import { searchMessagesInputSchema, type SearchResultView, toInstant } from './search-schemas.js';
import type { Scope } from './scope.js';
import { parseInput } from './validate.js';

/**
 * Full-text search over the owner's messages, best match first (FTS5 bm25 on SQLite, ts_rank
 * on PostgreSQL; a match in the content counts twice as much as one in tool calls). The
 * PostgreSQL page is in search-postgresql.ts; the query rules (search-query.ts), filters,
 * cursor and snippets are shared. The index — the FTS5 table
 * messages_fts, keyed through messages_fts_map — is kept in sync by triggers (migration
 * 20261122100000_search_fts); FTS5 is not modelled in Prisma, hence raw, parameterised SQL.
 *
 * Cost: FTS5 scores every row that matches all the terms, of every owner, before the owner
 * and the filters apply, so a search costs in proportion to how common its terms are in the
 * whole database (see the README for measurements); snippets are made for the page only.
 */
export async function searchMessages(s: Scope, raw: unknown): Promise<SearchResultView> {
  const input = parseInput(searchMessagesInputSchema, raw);
  const { expression, terms, parts } = toMatchQuery(input.query);
  const snippetWords = snippetTerms(parts);
  const limit = input.limit ?? F.searchDefault;
  const filters: Filters = {
    conversationId: input.conversation_id,
    roles: input.roles === undefined ? undefined : [...new Set(input.roles)].sort(),
    after: input.after === undefined ? undefined : toInstant(input.after),
    before: input.before === undefined ? undefined : toInstant(input.before),
  };
  const fingerprint = searchFingerprint([expression, filters]);
  const position = input.cursor === undefined ? undefined : decodeSearchCursor(input.cursor, fingerprint);

  const rows =
    expression === null
      ? []
      : s.provider === 'sqlite'
        ? await rankedPage(s, expression, filters, position, limit + 1)
        : await rankedPagePostgres(s, parts, filters, position, limit + 1);
  if (rows.length === 0 && filters.conversationId !== undefined) {
    // Only now tell "no hits" from "no such conversation" (or another owner's: the same).
    const found = await s.db.conversation.findFirst({ where: { id: filters.conversationId, owner: s.owner }, select: { id: true } });
    if (!found) throw conversationNotFound(filters.conversationId);
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    terms,
    hits: page.map((r) => ({
      conversation_id: r.conversation_id,
      conversation_title: r.title,
      message_id: r.id,
      seq: Number(r.seq),
      role: r.role,
      created_at: new Date(r.created_at).toISOString(),
      snippet: snippetOf(r, snippetWords),
    })),
    next_cursor:
      rows.length > limit && last ? encodeSearchCursor({ score: Number(last.score), ftsRowid: Number(last.fts_rowid) }, fingerprint) : null,
  };
}

/** From the content when the words are there, else from the tool calls (the other indexed column). */
function snippetOf(r: HitRow, words: readonly SnippetTerm[]): string {
  const fromContent = makeSnippet(r.indexed_content ?? '', words);
  return fromContent.includes('«') ? fromContent : makeSnippet(r.indexed_calls ?? '', words) || fromContent;
}

/**
 * One page in (score, FTS rowid) order, in one statement:
 * - page: one FTS5 scan; bm25() is computed inside it (auxiliary functions only work there),
 *   and every filter reads the match's row in messages_fts_map, which carries owner,
 *   conversation, role and created_at. CROSS JOIN pins that order: the planner otherwise may
 *   start from the owner's messages and probe the matches, ~10x slower for selective queries.
 * - then the page's rows only: their message and conversation, and the indexed text (a rowid
 *   lookup in the FTS5 table, no MATCH) from which search-snippet.ts makes the snippets.
 * The CTE is MATERIALIZED so it is not flattened into the outer query. created_at compares as
 * text: Prisma stores every DateTime in one fixed-width ISO format and binds Date parameters
 * in the same format.
 */
async function rankedPage(s: Scope, expression: string, f: Filters, after: SearchPosition | undefined, take: number) {
  const score = Prisma.sql`bm25(messages_fts, 2.0, 1.0)`;
  const where = [
    Prisma.sql`messages_fts MATCH ${expression}`,
    ...filterConditions(s, f),
    ...(after === undefined
      ? []
      : [Prisma.sql`(${score} > ${after.score} OR (${score} = ${after.score} AND f.rowid > ${after.ftsRowid}))`]),
  ];

  return s.db.$queryRaw<HitRow[]>`
    WITH page AS MATERIALIZED (
      SELECT f.rowid AS fts_rowid, ${score} AS score, k.message_id
      FROM messages_fts f CROSS JOIN messages_fts_map k ON k.fts_rowid = f.rowid
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY score, f.rowid
      LIMIT ${take}
    )
    SELECT page.fts_rowid, page.score, m.id, m.conversation_id, c.title, m.seq, m.role, m.created_at,
           text.content AS indexed_content, text.calls AS indexed_calls
    FROM page
    JOIN messages m ON m.id = page.message_id
    JOIN conversations c ON c.id = m.conversation_id
    JOIN messages_fts text ON text.rowid = page.fts_rowid
    ORDER BY page.score, page.fts_rowid`;
}
