/**
 * Storage failures an agent should hear about in plain words: the disk (or a file-size
 * limit) is full, the file or its filesystem became read-only, the disk failed, the file
 * cannot be opened. SQLite rolls the failed statement's transaction back in every one of
 * these cases, so "nothing was stored" holds.
 *
 * How they surface through Prisma 7 and the better-sqlite3 driver adapter (verified):
 * - a query: PrismaClientKnownRequestError P2039 (P2010 for raw SQL) with
 *   `meta.driverAdapterError.cause.originalCode`, e.g. "SQLITE_FULL";
 * - a statement inside an interactive transaction: a DriverAdapterError whose `cause` is
 *   `{ kind: "sqlite", originalCode: "SQLITE_IOERR_WRITE", ... }`;
 * - better-sqlite3 used directly: SqliteError with `code` "SQLITE_READONLY".
 * A full disk gives SQLITE_FULL; a write refused by a read-only filesystem or a file-size
 * limit (RLIMIT_FSIZE) gives SQLITE_IOERR_WRITE (SQLite does not tell them apart).
 */
export type StorageFailure = 'full' | 'read_only' | 'io' | 'cant_open';

const PATTERNS: ReadonlyArray<[RegExp, StorageFailure]> = [
  [/^SQLITE_FULL\b/, 'full'],
  [/^SQLITE_READONLY/, 'read_only'],
  [/^SQLITE_IOERR/, 'io'],
  [/^SQLITE_CANTOPEN/, 'cant_open'],
];

/** The SQLite result codes carried by an error, wherever the driver layers put them. */
function sqliteCodes(err: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > 4) return;
    seen.add(value);
    const v = value as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    for (const code of [v.code, v.originalCode]) if (typeof code === 'string' && code.startsWith('SQLITE_')) codes.push(code);
    visit(v.cause, depth + 1);
    visit(v.meta?.driverAdapterError, depth + 1);
  };
  visit(err, 0);
  return codes;
}

/** The kind of storage failure and the SQLite code that says so (for the log), if it is one. */
export function storageFailure(err: unknown): { kind: StorageFailure; code: string } | undefined {
  for (const code of sqliteCodes(err)) {
    for (const [pattern, kind] of PATTERNS) if (pattern.test(code)) return { kind, code };
  }
  return undefined;
}

/** What the agent is told; each says nothing was stored and what would help. */
export const STORAGE_FAILURE_MESSAGES: Record<StorageFailure, string> = {
  full: 'The database is full (disk or file-size limit); nothing was stored. Free disk space, then try again.',
  read_only: 'The database is read-only; nothing was stored. Reading still works; writing needs a writable database file and directory.',
  io: 'The database file could not be written or read (disk I/O error: the disk may be full or read-only, a file-size limit may be reached, or the disk is failing); nothing was stored.',
  cant_open: 'The database file could not be opened (missing, moved, or no permission); nothing was stored.',
};
