import type { HistoryDb } from '../types.js';

/** Leaf pages one merge step writes at most: a short hold of the write lock. */
const MERGE_PAGES = 64;

/**
 * One incremental FTS5 'merge' of up to MERGE_PAGES pages. A negative page count merges
 * segments whatever their level, so repeated steps end with one segment, rewritten without
 * the terms of deleted rows. FTS5 reports the work done through total_changes(): a difference
 * below 2 means there was nothing left to merge. The batch is one transaction on the client's
 * one connection, so no other statement's changes are counted; its first statement reads no
 * table, so the write is still the transaction's first access (see ENVIRONMENT.md on BEGIN).
 */
export async function compactSearchIndexSqlite(db: HistoryDb): Promise<boolean> {
  const [before, , after] = (await db.$transaction([
    db.$queryRaw`SELECT total_changes() AS n`,
    db.$executeRaw`INSERT INTO messages_fts(messages_fts, rank) VALUES('merge', ${-MERGE_PAGES})`,
    db.$queryRaw`SELECT total_changes() AS n`,
  ])) as [Array<{ n: number | bigint }>, number, Array<{ n: number | bigint }>];
  return Number(after[0]!.n) - Number(before[0]!.n) >= 2;
}
