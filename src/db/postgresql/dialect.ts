import { raw, sql } from '../sql.js';
import type { Dialect } from '../types.js';
import { appendRowsPostgres } from './append-rows.js';
import { searchPagePostgres } from './search-page.js';

/** PostgreSQL's SQL where the backends differ (see Dialect). */
export const postgresDialect: Dialect = {
  likeIgnoringCase: raw('ILIKE'),
  recordedMessageCount: sql`(response::jsonb ->> 'message_count')::integer`,
  appendRows: appendRowsPostgres,
  searchPage: searchPagePostgres,
  // Index rows are deleted with their rows (dead tuples until VACUUM, like every deleted row).
  compactSearchIndex: async () => false,
};
