import { join, sql } from '../../db/sql.js';
import type { HistoryDb } from '../../db/types.js';

/** Rows per UPDATE: 5 bound values each, far below either backend's parameter limit. */
const ROWS_PER_STATEMENT = 200;

/**
 * Token counts get_context had to compute, written back to messages.tokens_o200k so the next
 * call adds stored numbers instead of tokenizing the same text again (re-counting was most of
 * a get_context's time). Messages never change once stored, so a count never goes stale; a
 * rewind deletes the row, and its count with it.
 *
 * Filling the column is a cache, not the read's business: it is one plain UPDATE per 200
 * messages after the read (never inside a transaction), touches no column the search index
 * watches, and a failure — a read-only database, a busy writer elsewhere — is ignored: the
 * next get_context counts those messages again and tries once more.
 */
export class LearnedTokens {
  private readonly rows: Array<{ id: string; tokens: number; estimated: boolean }> = [];

  add(id: string, tokens: number, estimated: boolean): void {
    this.rows.push({ id, tokens, estimated });
  }

  async save(db: Pick<HistoryDb, '$executeRaw'>): Promise<void> {
    for (let i = 0; i < this.rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = this.rows.slice(i, i + ROWS_PER_STATEMENT);
      // UPDATE … FROM a VALUES list (SQLite 3.33+, PostgreSQL): one index lookup per row. The
      // CASTs give PostgreSQL the column types of the VALUES list.
      const values = chunk.map((r) => sql`(${r.id}, CAST(${r.tokens} AS INTEGER), CAST(${r.estimated} AS BOOLEAN))`);
      try {
        await db.$executeRaw`UPDATE messages
          SET tokens_o200k = v.column2, tokens_o200k_estimated = v.column3
          FROM (VALUES ${join(values)}) AS v
          WHERE messages.id = v.column1 AND messages.tokens_o200k IS NULL`;
      } catch {
        return; // see above: a cache that could not be filled this time
      }
      // The driver answers at once, so awaiting alone never lets the event loop turn: give
      // other owners' requests a turn between statements (20,000 counts take ~100 ms).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
