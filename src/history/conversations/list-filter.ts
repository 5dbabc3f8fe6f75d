import { empty, sql } from '../../db/sql.js';
import { instant, int } from '../core/rows.js';
import type { Scope } from '../scope.js';
import type { ListPosition } from './list-cursor.js';

/**
 * list_conversations' `query` filter: conversations whose title or key contains the text.
 * Raw SQL because Prisma's `contains` passes % and _ through to LIKE unescaped on SQLite
 * (`contains: '%'` matches every row) and SQLite's LIKE has no escape character unless the
 * statement names one. Case-insensitive as the dialect's LIKE is (SQLite: A–Z only; PostgreSQL:
 * every letter). Same order and keyset as the unfiltered list, served by the (owner,
 * updated_at, id) index.
 */
export async function conversationsMatching(s: Scope, query: string, after: ListPosition | undefined, take: number) {
  const pattern = `%${escapeLike(query)}%`;
  const keyset =
    after === undefined
      ? empty
      : sql`AND (updated_at < ${after.updatedAt} OR (updated_at = ${after.updatedAt} AND id < ${after.id}))`;
  const like = s.dialect.likeIgnoringCase;
  const rows = await s.db.$queryRaw<RawConversation[]>`
    SELECT id, key, title, metadata, message_count, created_at, updated_at
    FROM conversations
    WHERE owner = ${s.owner}
      AND (title ${like} ${pattern} ESCAPE '\\' OR key ${like} ${pattern} ESCAPE '\\')
      ${keyset}
    ORDER BY updated_at DESC, id DESC
    LIMIT ${take}`;
  // Raw rows come back as the driver gives them: integers may be BigInt.
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    title: r.title,
    metadata: r.metadata,
    messageCount: int(r.message_count),
    createdAt: instant(r.created_at),
    updatedAt: instant(r.updated_at),
  }));
}

interface RawConversation {
  id: string;
  key: string | null;
  title: string | null;
  metadata: string | null;
  message_count: number | bigint;
  created_at: Date | string;
  updated_at: Date | string;
}

/** Make every character literal for `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
