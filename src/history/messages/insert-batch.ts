import { v7 as uuidv7 } from 'uuid';
import { join, sql } from '../../db/sql.js';
import type { Tx } from '../scope.js';
import type { MessageInput } from './schemas.js';

/** Rows per INSERT: keeps each statement well below SQLite's bound-variable limit. */
const INSERT_CHUNK = 500;

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
 * Insert validated messages and their tool calls; returns the new message ids. Runs inside
 * the caller's transaction (append, import), which has already taken the write lock and
 * reserved the seq range.
 */
export async function insertBatch(tx: Tx, b: Batch): Promise<string[]> {
  const ids = b.messages.map(() => uuidv7());
  const rows = b.messages.map((m, i) => ({
    id: ids[i]!,
    conversationId: b.conversationId,
    seq: b.firstSeq + i,
    role: m.role,
    content: m.content ?? null,
    name: m.name ?? null,
    toolCallId: m.tool_call_id ?? null,
    metadata: m.metadata === undefined ? null : JSON.stringify(m.metadata),
    createdAt: b.createdAt instanceof Date ? b.createdAt : b.createdAt[i]!,
  }));
  // Each message's calls in DESCENDING position: the search index computes a message's call
  // text once, when position 0 arrives and all the others are there (migration
  // 20261124000000_search_linear_upkeep); in ascending order it would redo it for every call.
  const calls = b.messages.flatMap((m, i) =>
    (m.tool_calls ?? [])
      .map((c, position) => ({
        conversationId: b.conversationId,
        callId: c.id,
        messageId: ids[i]!,
        position,
        type: c.type,
        name: c.function.name,
        arguments: c.function.arguments,
      }))
      .reverse(),
  );
  // Multi-row raw INSERTs: Prisma's createMany costs ~0.3 ms per row here, a bound VALUES
  // list a small fraction of that. Dates bind through the same adapter, in the same format.
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const values = rows
      .slice(i, i + INSERT_CHUNK)
      .map(
        (r) =>
          sql`(${r.id}, ${r.conversationId}, ${r.seq}, ${r.role}, ${r.content}, ${r.name}, ${r.toolCallId}, ${r.metadata}, ${r.createdAt})`,
      );
    await tx.$executeRaw`INSERT INTO messages (id, conversation_id, seq, role, content, name, tool_call_id, metadata, created_at)
      VALUES ${join(values)}`;
  }
  for (let i = 0; i < calls.length; i += INSERT_CHUNK) {
    const values = calls
      .slice(i, i + INSERT_CHUNK)
      .map(
        (c) =>
          sql`(${c.conversationId}, ${c.callId}, ${c.messageId}, ${c.position}, ${c.type}, ${c.name}, ${c.arguments})`,
      );
    await tx.$executeRaw`INSERT INTO tool_calls (conversation_id, call_id, message_id, position, type, name, arguments)
      VALUES ${join(values)}`;
  }
  return ids;
}
