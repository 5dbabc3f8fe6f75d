import { appendedValues, toolCallInserts } from '../append-rows.js';
import type { AppendRows, HistoryDb } from '../types.js';

/**
 * SQLite: one batch transaction of plain statements — the UPDATE … RETURNING first (a write,
 * so BEGIN's lock is taken at once and other processes queue on busy_timeout), then the
 * messages, numbered from the count it left, then the calls. A batch transaction costs
 * about a third less than an interactive one through Prisma (measured: 255 µs against 359 µs
 * for the same two statements), and nothing in between needs the application.
 */
export async function appendRowsSqlite(db: HistoryDb, a: AppendRows): Promise<number | null> {
  const n = a.messages.length;
  const [updated] = (await db.$transaction([
    db.$queryRaw`UPDATE conversations SET message_count = message_count + ${n}, updated_at = ${a.now}
      WHERE id = ${a.conversationId} AND owner = ${a.owner}
      RETURNING message_count`,
    db.$executeRaw`INSERT INTO messages (id, conversation_id, seq, role, content, name, tool_call_id, metadata, created_at)
      SELECT v.column1, c.id, c.message_count - ${n} + v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, ${a.now}
      FROM conversations c, (VALUES ${appendedValues(a)}) AS v
      WHERE c.id = ${a.conversationId} AND c.owner = ${a.owner}`,
    ...toolCallInserts(db, a.conversationId, a.calls),
  ])) as [Array<{ message_count: number | bigint }>, ...number[]];
  const row = updated[0];
  return row === undefined ? null : Number(row.message_count);
}
