import { join, sql } from './sql.js';
import type { SearchFilters, Sql } from './types.js';

/**
 * The owner and the filters of a search, as conditions on the match's row in
 * messages_fts_map (alias `k`), which carries owner, conversation, role and created_at:
 * filtering reads one small row per match, on SQLite and on PostgreSQL alike.
 */
export function searchFilterConditions(owner: string, f: SearchFilters): Sql[] {
  return [
    sql`k.owner = ${owner}`,
    f.conversationId !== undefined && sql`k.conversation_id = ${f.conversationId}`,
    f.roles !== undefined && sql`k.role IN (${join(f.roles)})`,
    f.after !== undefined && sql`k.created_at > ${f.after}`,
    f.before !== undefined && sql`k.created_at < ${f.before}`,
  ].filter((c): c is Sql => c !== false);
}
