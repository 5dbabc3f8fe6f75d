import { Prisma } from '../generated/sqlite/client.js';
import type { Role } from './schemas.js';
import type { Scope } from './scope.js';

/** search_messages' filters, as both backends' page queries apply them. */
export interface Filters {
  conversationId: string | undefined;
  roles: Role[] | undefined;
  after: Date | undefined;
  before: Date | undefined;
}

/**
 * The owner and the filters, as conditions on the match's row in messages_fts_map (alias
 * `k`), which carries owner, conversation, role and created_at: filtering reads one small
 * row per match, on SQLite and on PostgreSQL alike.
 */
export function filterConditions(s: Scope, f: Filters): Prisma.Sql[] {
  return [
    Prisma.sql`k.owner = ${s.owner}`,
    f.conversationId !== undefined && Prisma.sql`k.conversation_id = ${f.conversationId}`,
    f.roles !== undefined && Prisma.sql`k.role IN (${Prisma.join(f.roles)})`,
    f.after !== undefined && Prisma.sql`k.created_at > ${f.after}`,
    f.before !== undefined && Prisma.sql`k.created_at < ${f.before}`,
  ].filter((c): c is Prisma.Sql => c !== false);
}

/** A page row, whichever backend ranked it. */
export interface HitRow {
  fts_rowid: number | bigint;
  score: number;
  id: string;
  conversation_id: string;
  title: string | null;
  seq: number | bigint;
  role: Role;
  created_at: Date | string;
  indexed_content: string | null;
  indexed_calls: string | null;
}
