import type { SearchFilters, SearchHitRow } from '../../db/index.js';
import { conversationNotFound } from '../core/errors.js';
import type { Role } from '../core/fields.js';
import { FIXED_LIMITS as F } from '../core/limits.js';
import { instant, int } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import { decodeSearchCursor, encodeSearchCursor, searchFingerprint } from './cursor.js';
import { toMatchQuery } from './query.js';
import { type SearchResultView, searchMessagesInputSchema, toInstant } from './schemas.js';
import { makeSnippet, type SnippetTerm, snippetTerms } from './snippet.js';

/**
 * Full-text search over the owner's messages, best match first (FTS5 bm25 on SQLite, ts_rank
 * on PostgreSQL; a match in the content counts twice as much as one in tool calls). The page
 * itself is the dialect's (db/sqlite/search-page.ts, db/postgresql/search-page.ts), over an
 * index kept in sync by triggers; the query rules (query.ts), filters, cursor and snippets are
 * here, shared.
 *
 * Cost: FTS5 scores every row that matches all the terms, of every owner, before the owner
 * and the filters apply, so a search costs in proportion to how common its terms are in the
 * whole database (see the README for measurements); snippets are made for the page only.
 */
export async function searchMessages(s: Scope, raw: unknown): Promise<SearchResultView> {
  const input = parseInput(searchMessagesInputSchema, raw);
  const { terms, parts } = toMatchQuery(input.query);
  const snippetWords = snippetTerms(parts);
  const limit = input.limit ?? F.searchDefault;
  const filters: SearchFilters = {
    conversationId: input.conversation_id,
    roles: input.roles === undefined ? undefined : [...new Set(input.roles)].sort(),
    after: input.after === undefined ? undefined : toInstant(input.after),
    before: input.before === undefined ? undefined : toInstant(input.before),
  };
  const fingerprint = searchFingerprint([parts, filters]);
  const position = input.cursor === undefined ? undefined : decodeSearchCursor(input.cursor, fingerprint);

  const rows =
    parts.length === 0
      ? []
      : await s.dialect.searchPage(s.db, { owner: s.owner, parts, filters, after: position, take: limit + 1 });
  if (rows.length === 0 && filters.conversationId !== undefined) {
    // Only now tell "no hits" from "no such conversation" (or another owner's: the same).
    const found = await s.db.conversation.findFirst({
      where: { id: filters.conversationId, owner: s.owner, deletedAt: null },
      select: { id: true },
    });
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
      seq: int(r.seq),
      role: r.role as Role,
      created_at: instant(r.created_at).toISOString(),
      snippet: snippetOf(r, snippetWords),
    })),
    next_cursor:
      rows.length > limit && last
        ? encodeSearchCursor({ score: Number(last.score), ftsRowid: int(last.fts_rowid) }, fingerprint)
        : null,
  };
}

/** From the content when the words are there, else from the tool calls (the other indexed column). */
function snippetOf(r: SearchHitRow, words: readonly SnippetTerm[]): string {
  const fromContent = makeSnippet(r.indexed_content ?? '', words);
  return fromContent.includes('«') ? fromContent : makeSnippet(r.indexed_calls ?? '', words) || fromContent;
}
