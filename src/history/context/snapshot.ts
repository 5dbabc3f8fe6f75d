import { empty, sql } from '../../db/sql.js';
import { conversationNotFound } from '../core/errors.js';
import { instant, int } from '../core/rows.js';
import type { StoredTokens } from '../messages/load-messages.js';
import type { Scope } from '../scope.js';

/**
 * What get_context reads first and checks last: the conversation's count, the id of its last
 * message, and the summary. Messages never change once stored and a rewind always removes the
 * last one, so the reads in between are consistent exactly when that message is still there.
 */
export interface Snapshot {
  total: number;
  /** Id of message seq `total`: if it is still there afterwards, nothing read was rewound. */
  lastId: string | null;
  summary: { throughSeq: number; content: string; createdAt: Date; tokens: StoredTokens | null } | null;
}

interface Row {
  message_count: number | bigint;
  last_id: string | null;
  through_seq?: number | bigint | null;
  summary?: string | null;
  summary_at?: Date | string | null;
  summary_tokens?: number | bigint | null;
  summary_estimated?: boolean | number | bigint | null;
}

/** The count, the id of the last message, and (when wanted) the summary, in one statement. */
export async function readSnapshot(s: Scope, id: string, withSummary: boolean): Promise<Snapshot> {
  const summaryColumns = withSummary
    ? sql`, sm.through_seq, sm.content AS summary, sm.created_at AS summary_at,
            sm.tokens_o200k AS summary_tokens, sm.tokens_o200k_estimated AS summary_estimated`
    : empty;
  const summaryJoin = withSummary ? sql`LEFT JOIN summaries sm ON sm.conversation_id = c.id` : empty;
  const rows = await s.db.$queryRaw<Row[]>`
    SELECT c.message_count,
           (SELECT m.id FROM messages m WHERE m.conversation_id = c.id AND m.seq = c.message_count) AS last_id
           ${summaryColumns}
    FROM conversations c ${summaryJoin}
    WHERE c.id = ${id} AND c.owner = ${s.owner} AND c.deleted_at IS NULL`;
  const row = rows[0];
  if (row === undefined) throw conversationNotFound(id);
  const total = int(row.message_count);
  const throughSeq = row.through_seq == null ? null : int(row.through_seq);
  // A summary beyond the stored messages is stale (a rewind that did not drop it): ignore it.
  const summary =
    throughSeq !== null && throughSeq <= total && row.summary != null && row.summary_at != null
      ? {
          throughSeq,
          content: row.summary,
          createdAt: instant(row.summary_at),
          tokens:
            row.summary_tokens == null
              ? null
              : { tokens: int(row.summary_tokens), estimated: Boolean(row.summary_estimated) },
        }
      : null;
  return { total, lastId: row.last_id, summary };
}

/** Whether the message that was last at the snapshot is still there (nothing was rewound). */
export async function stillThere(s: Scope, id: string, snapshot: Snapshot): Promise<boolean> {
  if (snapshot.total === 0) return true;
  const rows = await s.db.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM messages WHERE conversation_id = ${id} AND seq = ${snapshot.total}`;
  return rows[0]?.id === snapshot.lastId;
}
