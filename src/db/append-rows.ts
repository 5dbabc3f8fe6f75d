import { join, sql } from './sql.js';
import type { AppendRows, HistoryDb, Sql } from './types.js';

/** Rows per INSERT: keeps each statement well below either backend's bound-parameter limit. */
export const INSERT_CHUNK = 500;

/**
 * The appended messages as a VALUES list both backends read the same way (columns column1 …
 * column8): id, the seq offset (1 for the first), role, content, name, tool_call_id,
 * metadata, bytes. The integers are cast so that PostgreSQL, which types a VALUES column by
 * its parameters, adds and stores them as integers.
 */
export function appendedValues(a: AppendRows): Sql {
  return join(
    a.messages.map(
      (m, k) =>
        sql`(${m.id}, CAST(${k + 1} AS INTEGER), ${m.role}, ${m.content}, ${m.name}, ${m.toolCallId}, ${m.metadata}, CAST(${m.bytes} AS INTEGER))`,
    ),
  );
}

/** The bytes an append adds. */
export function appendedBytes(a: AppendRows): number {
  return a.messages.reduce((sum, m) => sum + m.bytes, 0);
}

/**
 * True for the owner's usage row (alias `u`) when the owner's byte quota has room for `bytes`
 * more: the owner's override, else the default; no limit when both are NULL. Both backends'
 * appendRows require it of the owner's row (which create_conversation made), so an append
 * past the quota, or of an owner without a usage row, writes nothing and takes the checked path.
 */
export function byteQuotaRoom(bytes: number, defaultMaxBytes: number | null): Sql {
  const limit = sql`COALESCE(u.max_bytes, CAST(${defaultMaxBytes} AS BIGINT))`;
  return sql`(${limit} IS NULL OR u.bytes + CAST(${bytes} AS BIGINT) <= ${limit})`;
}

/**
 * INSERTs of tool-call rows, in the order given, INSERT_CHUNK rows each. A call whose message
 * was not inserted fails its foreign key, and with it the whole append.
 */
export function toolCallInserts(
  db: Pick<HistoryDb, '$executeRaw'>,
  conversationId: string,
  calls: AppendRows['calls'],
): Array<ReturnType<HistoryDb['$executeRaw']>> {
  const statements: Array<ReturnType<HistoryDb['$executeRaw']>> = [];
  for (let i = 0; i < calls.length; i += INSERT_CHUNK) {
    const values = calls
      .slice(i, i + INSERT_CHUNK)
      .map(
        (c) =>
          sql`(${conversationId}, ${c.callId}, ${c.messageId}, ${c.position}, ${c.type}, ${c.name}, ${c.arguments})`,
      );
    statements.push(
      db.$executeRaw`INSERT INTO tool_calls (conversation_id, call_id, message_id, position, type, name, arguments)
        VALUES ${join(values)}`,
    );
  }
  return statements;
}
