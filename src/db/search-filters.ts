import { join, sql } from './sql.js';
import type { SearchFilters, Sql } from './types.js';

/**
 * The owner and the filters of a search, as conditions on the match's row in
 * messages_fts_map (alias `k`), which carries owner, conversation, role and created_at:
 * filtering reads one small row per match, on SQLite and on PostgreSQL alike.
 *
 * The owner's trash is left out by conversation: the subquery does not depend on the match,
 * so both planners run it once per search (a scan of the owner's trashed conversations on the
 * (owner, deleted_at) index) and test each match against the set. Trashing a conversation thus
 * hides its messages at once without rewriting a row of the index.
 */
export function searchFilterConditions(owner: string, f: SearchFilters): Sql[] {
  return [
    sql`k.owner = ${owner}`,
    sql`k.conversation_id NOT IN (SELECT t.id FROM conversations t WHERE t.owner = ${owner} AND t.deleted_at IS NOT NULL)`,
    f.conversationId !== undefined && sql`k.conversation_id = ${f.conversationId}`,
    f.roles !== undefined && sql`k.role IN (${join(f.roles)})`,
    f.after !== undefined && sql`k.created_at > ${f.after}`,
    f.before !== undefined && sql`k.created_at < ${f.before}`,
  ].filter((c): c is Sql => c !== false);
}
