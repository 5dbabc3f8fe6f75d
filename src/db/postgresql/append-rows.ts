import { appendedValues, toolCallInserts } from '../append-rows.js';
import type { AppendRows, HistoryDb } from '../types.js';

/**
 * PostgreSQL: ONE statement, one round trip, when there are no tool calls — the UPDATE … RETURNING
 * that reserves the seqs and the INSERT of the messages numbered from it, as one statement
 * with data-modifying CTEs (atomic on its own). Tool calls follow in the same transaction as
 * separate statements: their search-index trigger must see the messages' index rows, and the
 * triggers of the sub-statements of one statement fire in no documented order.
 */
export async function appendRowsPostgres(db: HistoryDb, a: AppendRows): Promise<number | null> {
  const n = a.messages.length;
  const append = db.$queryRaw<Array<{ message_count: number | bigint }>>`
    WITH c AS (
      UPDATE conversations SET message_count = message_count + ${n}, updated_at = ${a.now}
      WHERE id = ${a.conversationId} AND owner = ${a.owner}
      RETURNING id, message_count
    ), inserted AS (
      INSERT INTO messages (id, conversation_id, seq, role, content, name, tool_call_id, metadata, created_at)
      SELECT v.column1, c.id, c.message_count - ${n} + v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, ${a.now}
      FROM c, (VALUES ${appendedValues(a)}) AS v
    )
    SELECT message_count FROM c`;
  const calls = toolCallInserts(db, a.conversationId, a.calls);
  const [updated] =
    calls.length === 0
      ? [await append]
      : ((await db.$transaction([append, ...calls])) as [Awaited<typeof append>, ...number[]]);
  const row = updated[0];
  return row === undefined ? null : Number(row.message_count);
}
