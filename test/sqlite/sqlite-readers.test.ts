import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { readMigrations, sqliteMigrationsDir } from '../../src/db/migrations.js';
import { applyMigrations } from '../../src/db/sqlite/migrate.js';
import { openTestDatabase, silentLogger, tempDir } from '../support/harness.js';

/**
 * People look at their memory with the SQLite their own tools carry: the sqlite3 CLI, Python's
 * sqlite3 module, DB browsers — often older than the SQLite bundled with better-sqlite3. An
 * older SQLite that cannot parse one trigger refuses every query ("malformed database
 * schema"). The schema must be readable from SQLite 3.37 on; this machine's python3 and
 * sqlite3 carry 3.40 (CI installs Debian's sqlite3), and a database created by an earlier
 * version of this server must become readable after its migrations.
 */
const tmp = tempDir('chat-history-readers-');
afterAll(() => tmp.cleanup());

const QUERY = 'SELECT count(*) FROM messages; SELECT count(*) FROM tool_calls';

function python(path: string): { ok: boolean; out: string; version: string } {
  const script = [
    'import sqlite3, sys',
    'db = sqlite3.connect(sys.argv[1])',
    "print(sqlite3.sqlite_version, db.execute('SELECT count(*) FROM messages').fetchone()[0])",
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`, version: r.stdout.split(' ')[0] ?? '' };
}

function cli(path: string): { ok: boolean; out: string } | undefined {
  const r = spawnSync('sqlite3', [path, QUERY], { encoding: 'utf8' });
  if (r.error !== undefined) return undefined; // not installed here
  return { ok: r.status === 0 && r.stderr === '', out: `${r.stdout}${r.stderr}` };
}

async function withMessages(path: string): Promise<void> {
  const { HistoryStore } = await import('../../src/history/store.js');
  const { DEFAULT_LIMITS } = await import('../../src/history/core/limits.js');
  const database = await openTestDatabase(path);
  const history = new HistoryStore(database, DEFAULT_LIMITS, 10_000).forOwner('reader');
  const id = (await history.createConversation({})).conversation.id;
  await history.appendMessages({
    conversation_id: id,
    messages: [
      { role: 'user', content: 'hello' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ],
  });
  await database.close();
}

describe('older SQLite readers', () => {
  it('python3 carries an SQLite older than 3.44 (else this test proves nothing)', () => {
    const probe = spawnSync('python3', ['-c', 'import sqlite3; print(sqlite3.sqlite_version)'], { encoding: 'utf8' });
    const [major, minor] = probe.stdout.trim().split('.').map(Number);
    expect(major).toBe(3);
    expect(minor).toBeGreaterThanOrEqual(37);
    expect(minor).toBeLessThan(44);
  });

  it("the machine's sqlite3 replays every migration file, in order, on an empty file", (ctx) => {
    const path = join(tmp.dir, 'replayed.db');
    const files = readMigrations(sqliteMigrationsDir());
    for (const m of files) {
      const r = spawnSync('sqlite3', [path], { input: m.sql, encoding: 'utf8' });
      if (r.error !== undefined) return ctx.skip(); // not installed here (CI installs it)
      expect(`${r.status} ${r.stderr}`, m.name).toBe('0 ');
    }
    expect(cli(path)?.ok).toBe(true);
  });

  it('read a database this server created', async () => {
    const path = join(tmp.dir, 'fresh.db');
    await withMessages(path);
    const py = python(path);
    expect(py.ok, py.out).toBe(true);
    expect(py.out).toMatch(/ 2\n$/);
    const sqlite3 = cli(path);
    if (sqlite3 !== undefined) expect(sqlite3, sqlite3.out).toEqual({ ok: true, out: '2\n1\n' });
  });

  it('read, once it is upgraded, a database an earlier version left with a 3.44-only trigger', async () => {
    // The migrations of the earlier version only: its search trigger used group_concat(… ORDER BY …).
    const earlier = join(tmp.dir, 'earlier-migrations');
    mkdirSync(earlier);
    for (const name of [
      '20261122000000_init',
      '20261122100000_search_fts',
      '20261122110000_summaries',
      '20261122120000_access_tokens',
      'migration_lock.toml',
    ]) {
      cpSync(join(sqliteMigrationsDir(), name), join(earlier, name), { recursive: true });
    }
    const path = join(tmp.dir, 'earlier.db');
    const adapter = await new PrismaBetterSqlite3({ url: `file:${path}` }).connect();
    await applyMigrations(adapter, earlier, silentLogger);
    // As the earlier text of 20261122100000_search_fts left it (since rewritten for older SQLite;
    // src/db/migrations.ts EARLIER_TEXTS): a trigger in SQLite 3.44 syntax.
    await adapter.executeScript(`DROP TRIGGER "tool_calls_fts_after_insert";
      CREATE TRIGGER "tool_calls_fts_after_insert" AFTER INSERT ON "tool_calls" BEGIN
        UPDATE "messages_fts"
        SET "calls" = (SELECT group_concat("name" || ' ' || "arguments", ' ' ORDER BY "position")
                       FROM "tool_calls" WHERE "message_id" = new."message_id")
        WHERE rowid = (SELECT "fts_rowid" FROM "messages_fts_map" WHERE "message_id" = new."message_id");
      END;`);
    await adapter.dispose();
    const before = python(path);
    expect(before.ok).toBe(false);
    expect(before.out).toMatch(/malformed database schema/);

    await withMessages(path); // the server opens it: the pending migration runs
    const after = python(path);
    expect(after.ok, after.out).toBe(true);
    const sqlite3 = cli(path);
    if (sqlite3 !== undefined) expect(sqlite3.ok, sqlite3.out).toBe(true);
  });
});
