import { v7 as uuidv7 } from 'uuid';
import { INSERT_CHUNK, toolCallInserts } from '../../db/append-rows.js';
import type { AppendRows } from '../../db/index.js';
import { join, sql } from '../../db/sql.js';
import { messageBytes } from '../core/limits.js';
import type { Tx } from '../scope.js';
import type { MessageInput } from './schemas.js';

export interface Batch {
  conversationId: string;
  /** Seq of the first message; the rest follow without gaps. */
  firstSeq: number;
  /** One timestamp for all (an append), or one per message (an import that keeps them). */
  createdAt: Date | readonly Date[];
  /** Already validated: schema rules and, for an append, the checks against stored calls. */
  messages: readonly MessageInput[];
}

/**
 * Validated messages as the rows to store: a new id each, and their tool calls — each
 * message's in DESCENDING position: the search index computes a message's call text once,
 * when position 0 arrives and all the others are there (migration
 * 20261124000000_search_linear_upkeep); in ascending order it would redo it for every call.
 */
export function storedRows(messages: readonly MessageInput[]): Pick<AppendRows, 'messages' | 'calls'> {
  const rows = messages.map((m) => ({
    id: uuidv7(),
    role: m.role,
    content: m.content ?? null,
    name: m.name ?? null,
    toolCallId: m.tool_call_id ?? null,
    metadata: m.metadata === undefined ? null : JSON.stringify(m.metadata),
    bytes: messageBytes(m),
  }));
  const calls = messages.flatMap((m, i) =>
    (m.tool_calls ?? [])
      .map((c, position) => ({
        callId: c.id,
        messageId: rows[i]!.id,
        position,
        type: c.type,
        name: c.function.name,
        arguments: c.function.arguments,
      }))
      .reverse(),
  );
  return { messages: rows, calls };
}

/**
 * Insert validated messages and their tool calls; returns the new message ids and the bytes
 * they store (what the byte quota counts). Runs inside
 * the caller's transaction (append, import, fork), which has already taken the write lock and
 * reserved the seq range.
 */
export async function insertBatch(tx: Tx, b: Batch): Promise<{ ids: string[]; bytes: number }> {
  const { messages, calls } = storedRows(b.messages);
  // Multi-row raw INSERTs: Prisma's createMany costs ~0.3 ms per row here, a bound VALUES
  // list a small fraction of that. Dates bind through the same adapter, in the same format.
  for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
    const values = messages.slice(i, i + INSERT_CHUNK).map((r, k) => {
      const createdAt = b.createdAt instanceof Date ? b.createdAt : b.createdAt[i + k]!;
      return sql`(${r.id}, ${b.conversationId}, ${b.firstSeq + i + k}, ${r.role}, ${r.content}, ${r.name}, ${r.toolCallId}, ${r.metadata}, ${r.bytes}, ${createdAt})`;
    });
    await tx.$executeRaw`INSERT INTO messages (id, conversation_id, seq, role, content, name, tool_call_id, metadata, bytes, created_at)
      VALUES ${join(values)}`;
  }
  for (const insert of toolCallInserts(tx, b.conversationId, calls)) await insert;
  return { ids: messages.map((m) => m.id), bytes: messages.reduce((sum, m) => sum + m.bytes, 0) };
}
