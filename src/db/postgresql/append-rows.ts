import { appendedBytes, appendedValues, byteQuotaRoom, toolCallInserts } from '../append-rows.js';
import { AUDIT_COLUMNS } from '../audit-columns.js';
import { sql } from '../sql.js';
import type { AppendRows, HistoryDb } from '../types.js';

/**
 * PostgreSQL: ONE statement, one round trip, when there are no tool calls — the UPDATE … RETURNING
 * that reserves the seqs, and everything that follows from it as data-modifying CTEs reading its
 * row (atomic as one statement): the messages numbered from it, the owner's usage, the audit
 * event. The byte quota is checked on the owner's usage row as it is locked (FOR UPDATE),
 * before the conversation row — the order every writer of an owner takes
 * (history/core/write-transaction.ts); after waiting for that lock, READ COMMITTED re-checks
 * the condition on the row's newest version, so two appends of one owner cannot both pass on
 * the same old usage. Tool calls follow in the same transaction as separate statements:
 * their search-index trigger must see the messages' index rows, and the triggers of the
 * sub-statements of one statement fire in no documented order.
 */
export async function appendRowsPostgres(db: HistoryDb, a: AppendRows): Promise<number | null> {
  const n = a.messages.length;
  const bytes = appendedBytes(a);
  const append = db.$queryRaw<Array<{ message_count: number | bigint }>>`
    WITH locked AS (
      SELECT 1 FROM owner_usage u WHERE u.owner = ${a.owner} AND ${byteQuotaRoom(bytes, a.defaultMaxBytes)} FOR UPDATE
    ), c AS (
      UPDATE conversations
      SET message_count = message_count + ${n}, updated_at = ${a.now}, bytes = bytes + CAST(${bytes} AS BIGINT)
      WHERE id = ${a.conversationId} AND owner = ${a.owner} AND deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM locked)
      RETURNING id, message_count
    ), inserted AS (
      INSERT INTO messages (id, conversation_id, seq, role, content, name, tool_call_id, metadata, bytes, created_at)
      SELECT v.column1, c.id, c.message_count - ${n} + v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, ${a.now}
      FROM c, (VALUES ${appendedValues(a)}) AS v
    ), usage AS (
      UPDATE owner_usage SET bytes = bytes + CAST(${bytes} AS BIGINT)
      WHERE owner = ${a.owner} AND EXISTS (SELECT 1 FROM c)
    ), audit AS (
      INSERT INTO audit_events ${AUDIT_COLUMNS}
      SELECT ${a.auditValues({ first: sql`c.message_count - ${n - 1}`, last: sql`c.message_count` })} FROM c
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
