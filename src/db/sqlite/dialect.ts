import { raw, sql } from '../sql.js';
import type { Dialect } from '../types.js';
import { appendRowsSqlite } from './append-rows.js';
import { compactSearchIndexSqlite } from './search-compact.js';
import { searchPageSqlite } from './search-page.js';

/** SQLite's SQL where the backends differ (see Dialect). */
export const sqliteDialect: Dialect = {
  // SQLite's LIKE ignores case for A–Z only (no ICU in the bundled SQLite).
  likeIgnoringCase: raw('LIKE'),
  recordedMessageCount: sql`json_extract(response, '$.message_count')`,
  appendRows: appendRowsSqlite,
  searchPage: searchPageSqlite,
  compactSearchIndex: compactSearchIndexSqlite,
};
