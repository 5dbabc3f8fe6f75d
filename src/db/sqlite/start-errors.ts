import { basename, dirname, join } from 'node:path';
import { DatabaseStartError } from '../start-error.js';

/**
 * Why a SQLite database could not be opened at start, as one line that names the path and
 * the setting it came from, and says what to do — instead of a driver stack trace. The
 * causes are found by their codes: Node's (ENOTDIR …) for the folder, SQLite's (SQLITE_NOTADB
 * …) from better-sqlite3 directly or wrapped by the Prisma adapter (`cause.originalCode`).
 */

/** A problem found before SQLite was asked (a folder where the file should be …): its words as is. */
export class SqliteStartProblem extends Error {}

export function sqliteStartError(err: unknown, path: string, source: string | undefined): DatabaseStartError {
  if (err instanceof DatabaseStartError) return err;
  const from = source === undefined ? 'the default location; choose another with --db' : `set by ${source}`;
  const reason = err instanceof SqliteStartProblem ? err.message : explain(err, path, source ?? '--db');
  return new DatabaseStartError(`cannot open the SQLite database ${path} (${from}): ${reason}`, { cause: err });
}

/** "it is a directory" and the like, for checks made before opening. */
export function isDirectoryProblem(path: string): SqliteStartProblem {
  return new SqliteStartProblem(
    `it is a directory: give the path of a database file, e.g. ${join(path, 'history.db')}`,
  );
}

function explain(err: unknown, path: string, setting: string): string {
  const code = errorCode(err) ?? '';
  const folder = dirname(path);
  const name = basename(path);
  if (code === 'EISDIR') return isDirectoryProblem(path).message;
  if (code === 'ENOTDIR' || code === 'EEXIST')
    return `its folder ${folder} cannot be created: part of that path is a file, not a folder`;
  if (code === 'EACCES' || code === 'EPERM')
    return `permission denied creating its folder ${folder}: choose a place this user can write`;
  if (code === 'EROFS') return 'the file system is read-only: use --read-only to read it, or choose a writable place';
  if (code === 'SQLITE_NOTADB')
    return `it is not a SQLite database (another program's file?): point ${setting} at a chat-history database, or at a new file`;
  if (code.startsWith('SQLITE_CORRUPT'))
    return 'the file is damaged (SQLite: "database disk image is malformed"): restore it from a backup';
  if (code === 'SQLITE_READONLY_DIRECTORY') {
    return `its folder ${folder} is not writable, and SQLite keeps ${name}-wal and ${name}-shm beside the file: make the folder writable, or start with --read-only`;
  }
  if (code.startsWith('SQLITE_READONLY'))
    return 'it is read-only for this user: start with --read-only to only read it, or make the file and its folder writable';
  if (code.startsWith('SQLITE_CANTOPEN'))
    return `SQLite cannot open or create it: check that this user may read and write the file and its folder ${folder}`;
  if (code.startsWith('SQLITE_BUSY'))
    return 'another process kept it locked longer than --busy-timeout-ms: try again, or raise the timeout';
  if (code === 'SQLITE_FULL') return 'the disk is full: free some space and start again';
  if (code.startsWith('SQLITE_IOERR')) return `disk I/O error (${code}): the disk may be failing, full, or read-only`;
  return firstLine(err);
}

/** The code on the error or on the layers the adapter wraps it in. */
function errorCode(err: unknown): string | undefined {
  for (
    let e = err, depth = 0;
    e !== null && typeof e === 'object' && depth < 4;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const { code, originalCode } = e as { code?: unknown; originalCode?: unknown };
    if (typeof originalCode === 'string') return originalCode;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 300);
}
