import { join, sql } from './sql.js';
import type { AppendRows, HistoryDb, Sql } from './types.js';

/** Rows per INSERT: keeps each statement well below either backend's bound-parameter limit. */
export const INSERT_CHUNK = 500;

/**
 * The appended messages as a VALUES list both backends read the same way (columns column1 …
 * column7): id, the seq offset (1 for the first), role, content, name, tool_call_id,
 * metadata. The offset is cast so that PostgreSQL, which types a VALUES column by its
 * parameters, adds it to an integer.
 */
export function appendedValues(a: AppendRows): Sql {
  return join(
    a.messages.map(
      (m, k) =>
        sql`(${m.id}, CAST(${k + 1} AS INTEGER), ${m.role}, ${m.content}, ${m.name}, ${m.toolCallId}, ${m.metadata})`,
    ),
  );
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
