import type Database from 'better-sqlite3';

/** The raw message and tool-call inserts, shared by the seeder and the physical-limit runs. */
export function prepareMessageInserts(db: Database.Database) {
  return {
    insMsg: db.prepare(
      `INSERT INTO messages (id, conversation_id, seq, role, content, name, tool_call_id, metadata, created_at)
       VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?)`,
    ),
    insCall: db.prepare(
      `INSERT INTO tool_calls (conversation_id, call_id, message_id, position, type, name, arguments)
       VALUES (?, ?, ?, ?, 'function', ?, ?)`,
    ),
  };
}
