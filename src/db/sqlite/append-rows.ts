import { appendedBytes, appendedValues, byteQuotaRoom, toolCallInserts } from '../append-rows.js';
import { AUDIT_COLUMNS } from '../audit-columns.js';
import { sql } from '../sql.js';
import type { AppendRows, HistoryDb } from '../types.js';

/**
 * SQLite: one batch transaction of plain statements. The UPDATE … RETURNING comes first (a
 * write, so BEGIN's lock is taken at once and other processes queue on busy_timeout); the
 * messages' INSERT repeats its conditions (the owner's, live, within the byte quota — nothing
 * they read changes in between), so both happen or neither; the usage update and the audit
 * event follow only if the first message row exists. A batch transaction costs about a third
 * less than an interactive one through Prisma (measured: 255 µs against 359 µs for the same
 * two statements), and nothing in between needs the application.
 */
export async function appendRowsSqlite(db: HistoryDb, a: AppendRows): Promise<number | null> {
  const n = a.messages.length;
  const bytes = appendedBytes(a);
  const live = sql`owner = ${a.owner} AND deleted_at IS NULL
    AND EXISTS (SELECT 1 FROM owner_usage u WHERE u.owner = ${a.owner} AND ${byteQuotaRoom(bytes, a.defaultMaxBytes)})`;
  const firstId = a.messages[0]!.id;
  const [updated] = (await db.$transaction([
    db.$queryRaw`UPDATE conversations
      SET message_count = message_count + ${n}, updated_at = ${a.now}, bytes = bytes + ${bytes}
      WHERE id = ${a.conversationId} AND ${live}
      RETURNING message_count`,
    db.$executeRaw`INSERT INTO messages (id, conversation_id, seq, role, content, name, tool_call_id, metadata, bytes, created_at)
      SELECT v.column1, c.id, c.message_count - ${n} + v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, ${a.now}
      FROM conversations c, (VALUES ${appendedValues(a)}) AS v
      WHERE c.id = ${a.conversationId} AND ${live}`,
    db.$executeRaw`UPDATE owner_usage SET bytes = bytes + ${bytes}
      WHERE owner = ${a.owner} AND EXISTS (SELECT 1 FROM messages WHERE id = ${firstId})`,
    db.$executeRaw`INSERT INTO audit_events ${AUDIT_COLUMNS}
      SELECT ${a.auditValues({ first: sql`m.seq`, last: sql`m.seq + ${n - 1}` })} FROM messages m WHERE m.id = ${firstId}`,
    ...toolCallInserts(db, a.conversationId, a.calls),
  ])) as [Array<{ message_count: number | bigint }>, ...number[]];
  const row = updated[0];
  return row === undefined ? null : Number(row.message_count);
}
