import type { Prisma, PrismaClient } from '../generated/sqlite/client.js';
import type { Logger } from '../logger.js';

/**
 * What the rest of the server knows of a database: where it is, the client to query it
 * with, and the Dialect — the few statements whose SQL differs between SQLite and
 * PostgreSQL. Types only: sqlite/ and postgresql/ implement them, index.ts picks one.
 */

/** Where the history lives: one SQLite file (the default), or a PostgreSQL server. */
export type DatabaseTarget =
  /** `source`: the setting the path came from (--db, CHAT_HISTORY_DB …), named in error messages; absent = the default location. */
  { provider: 'sqlite'; path: string; source?: string } | { provider: 'postgresql'; url: string };
export type Provider = DatabaseTarget['provider'];

/**
 * The Prisma client the history layer queries with. Both backends' generated clients come
 * from schemas with the same models (test/unit/schema-parity.test.ts), so their model APIs are
 * the same; the SQLite client's type stands for both.
 */
export type HistoryDb = PrismaClient;
/** A SQL fragment with bound parameters (the same helper in both generated clients). */
export type Sql = Prisma.Sql;
/** What runs raw statements: the client, or an interactive transaction's client. */
export type RawQueries = Pick<HistoryDb, '$queryRaw'>;

export interface Database {
  db: HistoryDb;
  provider: Provider;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  target: DatabaseTarget;
  /**
   * How long a write waits for another writer's lock (SQLite busy_timeout; on PostgreSQL
   * the lock_timeout of the server's sessions) and how long a transaction may take.
   */
  busyTimeoutMs: number;
  logger: Logger;
  /**
   * Open without writing anything: a read-only SQLite connection (works on a file or folder
   * this user can only read), read-only PostgreSQL sessions, and no migrations — a database
   * that needs one is refused with what to do.
   */
  readOnly?: boolean;
  /** With readOnly: apply pending migrations first when the database can be written (export). */
  upgradeIfWritable?: boolean;
}

/**
 * Everything whose SQL differs between the backends. The history layer asks the dialect and
 * never branches on the provider itself.
 */
export interface Dialect {
  /** `LIKE` ignoring case, for `… LIKE pattern ESCAPE '\'`: SQLite's LIKE (A–Z only), PostgreSQL's ILIKE (every letter). */
  readonly likeIgnoringCase: Sql;
  /** The message_count recorded in an idempotency record's JSON `response` column. */
  readonly recordedMessageCount: Sql;
  /** One page of search hits, best first (the backend's full-text index and ranking). */
  searchPage(db: RawQueries, query: SearchPageQuery): Promise<SearchHitRow[]>;
  /**
   * An append in the fewest round trips the backend allows, with no read before the first
   * write: bump the conversation's message_count and bytes (which takes the write lock and
   * reserves the seqs), insert the rows at those seqs and their tool calls, add the bytes to
   * the owner's usage and record the audit event — all only if the conversation is the
   * owner's, not in the trash, and the owner's byte quota has room. Answers the new
   * message_count, or null when one of those conditions failed (then nothing was written,
   * and the caller finds out which). A constraint violation (a call id used before) fails
   * the whole append with the driver's error.
   */
  appendRows(db: HistoryDb, append: AppendRows): Promise<number | null>;
  /**
   * One short, bounded step of clearing deleted rows' leftovers out of the search index's own
   * storage; true while there is more to do. SQLite's FTS5 keeps a deleted row's terms in its
   * segment b-trees until segments are merged (no query finds them, but the bytes are there);
   * PostgreSQL's index rows go with their table rows, so there it has nothing to do.
   */
  compactSearchIndex(db: HistoryDb): Promise<boolean>;
}

/** What appendRows writes: messages in order (the first gets seq message_count + 1). */
export interface AppendRows {
  owner: string;
  conversationId: string;
  /** created_at of every row, and the conversation's new updated_at. */
  now: Date;
  /** The byte quota when the owner has no override of its own; null: unlimited. */
  defaultMaxBytes: number | null;
  /** The audit event's values (audit_events columns), given SQL for its first and last seq. */
  auditValues(seqs: { first: Sql; last: Sql }): Sql;
  messages: ReadonlyArray<{
    id: string;
    role: string;
    content: string | null;
    name: string | null;
    toolCallId: string | null;
    metadata: string | null;
    /** What the byte quota counts of it (messageBytes). */
    bytes: number;
  }>;
  /** In the order to insert them (see insert-batch.ts: each message's in descending position). */
  calls: ReadonlyArray<{
    callId: string;
    messageId: string;
    position: number;
    type: string;
    name: string;
    arguments: string;
  }>;
}

/** One word or "phrase" of a search, as search/query.ts reads it from the agent's text. */
export interface SearchPart {
  text: string;
  phrase: boolean;
  prefix: boolean;
}

/** search_messages' filters, as both backends' page queries apply them. */
export interface SearchFilters {
  conversationId: string | undefined;
  roles: readonly string[] | undefined;
  after: Date | undefined;
  before: Date | undefined;
}

/** Where the previous page ended: hits are ordered by (score, row). */
export interface SearchPosition {
  score: number;
  ftsRowid: number;
}

export interface SearchPageQuery {
  owner: string;
  /** At least one part: every part must match. */
  parts: readonly SearchPart[];
  filters: SearchFilters;
  after: SearchPosition | undefined;
  take: number;
}

/** A page row, whichever backend ranked it. */
export interface SearchHitRow {
  fts_rowid: number | bigint;
  score: number;
  id: string;
  conversation_id: string;
  title: string | null;
  seq: number | bigint;
  role: string;
  created_at: Date | string;
  indexed_content: string | null;
  indexed_calls: string | null;
}
