import type { Tx } from '../scope.js';
import type { SummaryMessageView } from './schemas.js';

/** The stored summary as get_context shows it, and what a rewind does to it. */

/**
 * For a rewind (delete messages seq >= fromSeq): drop a summary that covers any of them, inside
 * the rewind's own transaction, so no summary ever describes messages that no longer exist.
 */
export async function dropSummariesFrom(tx: Tx, conversationId: string, fromSeq: number): Promise<number> {
  const { count } = await tx.summary.deleteMany({ where: { conversationId, throughSeq: { gte: fromSeq } } });
  return count;
}

/** How a stored summary appears among get_context's messages. */
export function summaryMessage(row: { throughSeq: number; content: string; createdAt: Date }): SummaryMessageView {
  return {
    seq: 0,
    role: 'system',
    content: `Summary of messages 1–${row.throughSeq}:\n${row.content}`,
    created_at: row.createdAt.toISOString(),
  };
}
