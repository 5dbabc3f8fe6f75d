import { sql } from './sql.js';

/** The columns of an audit_events row, in the order history/core/audit.ts gives its values. */
export const AUDIT_COLUMNS = sql`(id, at, owner, actor_kind, actor_id, actor_name, operation, conversation_id,
  first_seq, last_seq, messages, bytes, outcome)`;
