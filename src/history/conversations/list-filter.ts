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
export async function conversationsMatching(
  s: Scope,
  filter: { query: string; trash: boolean },
  after: ListPosition | undefined,
  take: number,
) {
  const pattern = `%${escapeLike(filter.query)}%`;
  // The trash lists by deletion time, live conversations by activity (see list.ts).
  const order = filter.trash ? sql`deleted_at` : sql`updated_at`;
  const keyset =
    after === undefined
      ? empty
      : sql`AND (${order} < ${after.updatedAt} OR (${order} = ${after.updatedAt} AND id < ${after.id}))`;
  const like = s.dialect.likeIgnoringCase;
  const rows = await s.db.$queryRaw<RawConversation[]>`
    SELECT id, key, title, metadata, message_count, created_at, updated_at, expires_at, deleted_at, purge_at,
      forked_from, forked_through_seq
    FROM conversations
    WHERE owner = ${s.owner} AND deleted_at ${filter.trash ? sql`IS NOT NULL` : sql`IS NULL`}
      AND (title ${like} ${pattern} ESCAPE '\\' OR ${filter.trash ? sql`trashed_key` : sql`key`} ${like} ${pattern} ESCAPE '\\')
      ${keyset}
    ORDER BY ${order} DESC, id DESC
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
    expiresAt: r.expires_at === null ? null : instant(r.expires_at),
    deletedAt: r.deleted_at === null ? null : instant(r.deleted_at),
    purgeAt: r.purge_at === null ? null : instant(r.purge_at),
    forkedFrom: r.forked_from,
    forkedThroughSeq: r.forked_through_seq === null ? null : int(r.forked_through_seq),
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
  expires_at: Date | string | null;
  deleted_at: Date | string | null;
  purge_at: Date | string | null;
  forked_from: string | null;
  forked_through_seq: number | bigint | null;
}

/** Make every character literal for `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
