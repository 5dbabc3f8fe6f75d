import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { readMigrations, sqliteMigrationsDir } from '../migrations.js';
import { SqliteStartProblem } from './start-errors.js';

/**
 * Getting a SQLite file ready to be read without writing anything (--read-only, export).
 *
 * A read-only connection reads a WAL database in place when its -wal and -shm files exist
 * (even unwritable ones, e.g. beside a running server of another user) or can be created.
 * When neither holds — a cleanly closed WAL database in a folder this user cannot write —
 * SQLite refuses (SQLITE_READONLY_DIRECTORY, or SQLITE_CANTOPEN with a -wal but no -shm), and
 * its way round, the `immutable` URI flag, is compiled out of better-sqlite3. Then the file
 * (and its -wal, whose committed transactions count) is copied into a private temporary
 * folder and that snapshot is read: correct as of the start, and removed on close/exit.
 */

export interface ReadOnlyFile {
  /** The file to open read-only: the database itself, or its snapshot (see `snapshot`). */
  path: string;
  /** Whether `path` is a snapshot copy rather than the database. */
  snapshot: boolean;
  /** Migrations of this version the database has not had. */
  pending: string[];
  /** Whether the database has any of this server's tables at all. */
  initialised: boolean;
  /** Removes the snapshot, if one was made. */
  release(): void;
}

/** SQLite's codes for "cannot read this WAL database in place without writing beside it". */
const NEEDS_SNAPSHOT = /^SQLITE_(READONLY_DIRECTORY|READONLY_CANTINIT|CANTOPEN)/;

export function prepareReadOnly(path: string, busyTimeoutMs: number): ReadOnlyFile {
  if (!existsSync(path)) {
    throw new SqliteStartProblem(
      'there is no database file there, and a read-only start never creates one: check the path, or start once without --read-only',
    );
  }
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new SqliteStartProblem('permission denied: this user cannot read the file');
  }
  try {
    return { path, snapshot: false, ...inspect(path, busyTimeoutMs), release: () => undefined };
  } catch (err) {
    if (!NEEDS_SNAPSHOT.test((err as { code?: string }).code ?? '')) throw err;
  }
  const dir = mkdtempSync(join(tmpdir(), 'chat-history-readonly-'));
  const release = () => rmSync(dir, { recursive: true, force: true });
  // A snapshot of someone's history must not outlive the process, however it ends.
  process.once('exit', release);
  try {
    const copy = join(dir, 'history.db');
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    return {
      path: copy,
      snapshot: true,
      ...inspect(copy, busyTimeoutMs),
      release: () => {
        process.off('exit', release);
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** Read the file once as the server will (header, WAL) and list what it lacks. */
function inspect(file: string, busyTimeoutMs: number): { pending: string[]; initialised: boolean } {
  const conn = new Sqlite(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  try {
    const tracked =
      conn.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get() !==
      undefined;
    const applied = new Set(
      tracked
        ? conn
            .prepare(
              `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
            )
            .pluck()
            .all()
            .map(String)
        : [],
    );
    const pending = readMigrations(sqliteMigrationsDir())
      .map((m) => m.name)
      .filter((name) => !applied.has(name));
    return { pending, initialised: applied.size > 0 };
  } finally {
    conn.close();
  }
}
