/**
 * Storage failures an agent should hear about in plain words: the disk (or a file-size
 * limit) is full, the database became read-only, the disk failed, the file cannot be opened,
 * or (PostgreSQL) the server cannot be reached. The failed statement's transaction is rolled
 * back in every one of these cases, so "nothing was stored" holds.
 *
 * How they surface through Prisma 7 and the driver adapters (verified):
 * - a query: PrismaClientKnownRequestError P2039 (P2010 for raw SQL) with
 *   `meta.driverAdapterError.cause`, e.g. `{ originalCode: "SQLITE_FULL" }` or
 *   `{ kind: "postgres", code: "53100" }` or `{ kind: "DatabaseNotReachable" }`;
 * - a statement inside an interactive transaction: a DriverAdapterError whose `cause` is
 *   `{ kind: "sqlite", originalCode: "SQLITE_IOERR_WRITE", ... }` (or the PostgreSQL shapes);
 * - better-sqlite3 used directly: SqliteError with `code` "SQLITE_READONLY";
 * - node-postgres itself: an Error with a socket `code` (ECONNREFUSED …) or the message
 *   "Connection terminated unexpectedly".
 * A full disk gives SQLITE_FULL; a write refused by a read-only filesystem or a file-size
 * limit (RLIMIT_FSIZE) gives SQLITE_IOERR_WRITE (SQLite does not tell them apart).
 */
export type StorageFailure = 'full' | 'read_only' | 'io' | 'cant_open' | 'unreachable';

const SQLITE_PATTERNS: ReadonlyArray<[RegExp, StorageFailure]> = [
  [/^SQLITE_FULL\b/, 'full'],
  [/^SQLITE_READONLY/, 'read_only'],
  [/^SQLITE_IOERR/, 'io'],
  [/^SQLITE_CANTOPEN/, 'cant_open'],
];

/** PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const POSTGRES_PATTERNS: ReadonlyArray<[RegExp, StorageFailure]> = [
  [/^53100$/, 'full'], // disk_full
  [/^25006$/, 'read_only'], // read_only_sql_transaction: e.g. connected to a standby
  [/^58030$/, 'io'], // io_error
  [/^08/, 'unreachable'], // connection_exception class
  [/^57P0[1-3]$/, 'unreachable'], // admin/crash shutdown, cannot connect now (starting up)
  [/^53300$/, 'unreachable'], // too_many_connections
  [/^55000$/, 'unreachable'], // as FATAL at connect: database not accepting connections
  [/^3D000$/, 'unreachable'], // the database is gone
];

/** Driver-adapter error kinds and node-postgres socket codes that mean "no connection". */
const UNREACHABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'DatabaseDoesNotExist',
  'TlsConnectionError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
]);

interface Found {
  kind: StorageFailure;
  code: string;
}

/** Walk the layers drivers and Prisma wrap errors in (cause, meta.driverAdapterError). */
function classify(err: unknown): Found | undefined {
  const seen = new Set<unknown>();
  let found: Found | undefined;
  const visit = (value: unknown, depth: number) => {
    if (found || value === null || typeof value !== 'object' || seen.has(value) || depth > 4) return;
    seen.add(value);
    const v = value as {
      code?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    for (const code of [v.code, v.originalCode]) {
      if (typeof code !== 'string') continue;
      for (const [pattern, kind] of code.startsWith('SQLITE_') ? SQLITE_PATTERNS : [])
        if (pattern.test(code)) found ??= { kind, code };
      if (
        v.kind === 'postgres' ||
        (typeof v.kind !== 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('P'))
      ) {
        for (const [pattern, kind] of POSTGRES_PATTERNS) if (pattern.test(code)) found ??= { kind, code };
      }
      if (UNREACHABLE.has(code)) found ??= { kind: 'unreachable', code };
    }
    if (typeof v.kind === 'string' && UNREACHABLE.has(v.kind)) found ??= { kind: 'unreachable', code: v.kind };
    if (typeof v.message === 'string' && /^Connection terminated/.test(v.message))
      found ??= { kind: 'unreachable', code: 'terminated' };
    visit(v.cause, depth + 1);
    visit(v.meta?.driverAdapterError, depth + 1);
  };
  visit(err, 0);
  return found;
}

/** The kind of storage failure and the driver code that says so (for the log), if it is one. */
export function storageFailure(err: unknown): Found | undefined {
  return classify(err);
}

/** What the agent is told; each says nothing was stored and what would help. */
export const STORAGE_FAILURE_MESSAGES: Record<StorageFailure, string> = {
  full: 'The database is full (disk or file-size limit); nothing was stored. Free disk space, then try again.',
  read_only:
    'The database is read-only; nothing was stored. Reading still works; writing needs a writable database file and directory.',
  io: 'The database file could not be written or read (disk I/O error: the disk may be full or read-only, a file-size limit may be reached, or the disk is failing); nothing was stored.',
  cant_open: 'The database file could not be opened (missing, moved, or no permission); nothing was stored.',
  unreachable:
    'The database server could not be reached (it may be restarting, overloaded or out of connections); nothing was stored. Try again in a moment.',
};
