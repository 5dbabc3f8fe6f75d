import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { READER_DIR_MODE, readerSkipReason, runAsReader } from '../support/reader.js';
import { CLI, requireBuiltCli } from '../support/spawn.js';

/**
 * A SQLite path that cannot be used stops the start with ONE line on stderr naming the
 * setting it came from (--db, CHAT_HISTORY_DB, DATABASE_URL=file:) and the path, saying what
 * to do, and exit code 1 — no stack trace. Run through the built CLI, for `serve` and `export`.
 */
const tmp = tempDir('chat-history-db-errors-');
afterAll(() => tmp.cleanup());
const path = (name: string) => join(tmp.dir, name);

function cli(args: string[], env: Record<string, string> = {}) {
  requireBuiltCli();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    input: '',
    env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, ...env },
  });
  return { code: r.status, stderr: r.stderr };
}

/** Exit 1, exactly one line, that line as given. */
function expectOneLine(r: { code: number | null; stderr: string }, line: string) {
  expect(r.stderr).toBe(`${line}\n`);
  expect(r.code).toBe(1);
}

beforeAll(() => {
  mkdirSync(path('a-folder'));
  writeFileSync(path('notes.txt'), 'these are my notes, not a database\n'.repeat(200));
});

describe('--db that cannot be used', () => {
  it('a directory', () => {
    const line = `chat-history-mcp: cannot open the SQLite database ${path('a-folder')} (set by --db): it is a directory: give the path of a database file, e.g. ${path('a-folder/history.db')}`;
    expectOneLine(cli(['--db', path('a-folder')]), line);
    expectOneLine(cli(['export', '--all', '--db', path('a-folder')]), line);
  });

  it('a file that is not a SQLite database: named by each way of setting it, and left untouched', () => {
    const reason = "it is not a SQLite database (another program's file?)";
    const file = path('notes.txt');
    expectOneLine(
      cli(['--db', file]),
      `chat-history-mcp: cannot open the SQLite database ${file} (set by --db): ${reason}: point --db at a chat-history database, or at a new file`,
    );
    expectOneLine(
      cli(['serve'], { CHAT_HISTORY_DB: file }),
      `chat-history-mcp: cannot open the SQLite database ${file} (set by CHAT_HISTORY_DB): ${reason}: point CHAT_HISTORY_DB at a chat-history database, or at a new file`,
    );
    expectOneLine(
      cli(['export', '--all'], { DATABASE_URL: `file:${file}` }),
      `chat-history-mcp: cannot open the SQLite database ${file} (set by DATABASE_URL=file:): ${reason}: point DATABASE_URL=file: at a chat-history database, or at a new file`,
    );
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('a path under a file', () => {
    const db = path('notes.txt/history.db');
    expectOneLine(
      cli(['--db', db]),
      `chat-history-mcp: cannot open the SQLite database ${db} (set by --db): its folder ${path('notes.txt')} cannot be created: part of that path is a file, not a folder`,
    );
  });

  describe.skipIf(readerSkipReason !== undefined)(
    `places this user may not write ${readerSkipReason ? `(skipped: ${readerSkipReason})` : ''}`,
    () => {
      beforeAll(() => {
        chmodSync(tmp.dir, READER_DIR_MODE);
        mkdirSync(path('locked'), { mode: 0o555 });
        chmodSync(path('locked'), 0o555);
      });

      it('a new database in a folder this user cannot write', () => {
        const db = path('locked/history.db');
        const r = runAsReader(['--db', db], { HOME: tmp.dir }, '');
        expectOneLine(
          r,
          `chat-history-mcp: cannot open the SQLite database ${db} (set by --db): this user may not create files in its folder ${path('locked')}: choose another path, or change the folder's permissions`,
        );
      });

      it('a folder this user cannot create', () => {
        const db = path('locked/sub/history.db');
        const r = runAsReader(['--db', db], { HOME: tmp.dir }, '');
        expectOneLine(
          r,
          `chat-history-mcp: cannot open the SQLite database ${db} (set by --db): permission denied creating its folder ${path('locked/sub')}: choose a place this user can write`,
        );
      });
    },
  );
});
