import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, openTestDatabase, tempDir } from '../support/harness.js';
import { READER_DIR_MODE, readerSkipReason, runAsReader } from '../support/reader.js';

/**
 * `serve --read-only` and `export` open the SQLite database read-only, so they work on a
 * database this user can only read — a read-only file in a read-only folder, a WAL database
 * whose -wal/-shm files are missing or unwritable — and never migrate it: one that needs an
 * upgrade is refused with what to do. Each case runs the built CLI as a user who really
 * cannot write (as `nobody` when the tests run as root, see support/reader.ts).
 */
const tmp = tempDir('chat-history-read-only-');
const home = join(tmp.dir, 'home');
const childTmp = join(tmp.dir, 'child-tmp');
const env = () => ({ HOME: home, TMPDIR: childTmp, LOG_LEVEL: 'warn' });

/** A folder holding one database with one conversation, closed cleanly (no -wal, no -shm left). */
async function databaseIn(folder: string, title: string): Promise<string> {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'history.db');
  const database = await openTestDatabase(path);
  const api = await connect(database);
  const id = (await api.call('create_conversation', { title })).conversation.id;
  await api.call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: `inside ${title}` }] });
  await api.close();
  await database.close();
  return path;
}

/** Nobody but root may write the folder or anything in it. */
function readOnly(folder: string): void {
  for (const f of readdirSync(folder)) chmodSync(join(folder, f), 0o444);
  chmodSync(folder, 0o555);
}

const titles = (stdout: string) =>
  JSON.parse(stdout).conversations.map((c: { conversation: { title: string } }) => c.conversation.title);

/** initialize + tools/list + list_conversations over stdio, answers by id. */
function serveReadOnly(dbPath: string) {
  const lines = [
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'ro', version: '1' } },
    },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_conversations', arguments: {} } },
  ];
  const r = runAsReader(['--db', dbPath, '--read-only'], env(), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const answers = new Map(
    r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .map((m) => [m.id, m]),
  );
  return { ...r, answers };
}

beforeAll(() => {
  for (const dir of [tmp.dir, home]) mkdirSync(dir, { recursive: true, mode: READER_DIR_MODE });
  chmodSync(tmp.dir, READER_DIR_MODE);
  mkdirSync(childTmp, { recursive: true });
  chmodSync(childTmp, 0o777);
});
afterAll(() => {
  // Give write access back so the folder can be removed also when the tests are not root.
  for (const f of readdirSync(tmp.dir, { recursive: true, withFileTypes: true })) {
    if (f.isDirectory()) chmodSync(join(f.parentPath, f.name), 0o755);
  }
  tmp.cleanup();
});

describe.skipIf(readerSkipReason !== undefined)(
  `read-only opening ${readerSkipReason ? `(skipped: ${readerSkipReason})` : ''}`,
  () => {
    it('a read-only file in a read-only folder, no -wal/-shm: --read-only serves it, export exports it, a read-write start is refused clearly', async () => {
      const folder = join(tmp.dir, 'clean');
      const db = await databaseIn(folder, 'clean');
      expect(existsSync(`${db}-wal`) || existsSync(`${db}-shm`)).toBe(false);
      readOnly(folder);

      const served = serveReadOnly(db);
      expect(served.code, served.stderr).toBe(0);
      const tools = served.answers.get(2).result.tools.map((t: { name: string }) => t.name);
      expect(tools).toContain('list_conversations');
      expect(tools).not.toContain('append_messages');
      expect(
        served.answers.get(3).result.structuredContent.conversations.map((c: { title: string }) => c.title),
      ).toEqual(['clean']);

      const exported = runAsReader(['export', '--all', '--db', db], env());
      expect(exported.code, exported.stderr).toBe(0);
      expect(titles(exported.stdout)).toEqual(['clean']);

      const readWrite = runAsReader(['--db', db], env(), '');
      expect(readWrite.code).toBe(1);
      expect(readWrite.stderr).toBe(
        `chat-history-mcp: cannot open the SQLite database ${db} (set by --db): it is read-only for this user: start with --read-only to only read it, or make it writable\n`,
      );
      // Nothing written beside the database, no snapshot left in the temporary folder.
      expect(readdirSync(folder)).toEqual(['history.db']);
      expect(readdirSync(childTmp)).toEqual([]);
    });

    it("-wal and -shm present but not writable (another user's server has it open): read in place, uncheckpointed rows included", async () => {
      const folder = join(tmp.dir, 'live');
      const db = await databaseIn(folder, 'checkpointed');
      // A server that stays open: its new conversation is only in the -wal file.
      const live = await openTestDatabase(db);
      try {
        const api = await connect(live);
        await api.call('create_conversation', { title: 'in the wal' });
        await api.close();
        expect(existsSync(`${db}-wal`) && existsSync(`${db}-shm`)).toBe(true);
        readOnly(folder);
        const exported = runAsReader(['export', '--all', '--db', db], env());
        expect(exported.code, exported.stderr).toBe(0);
        expect(titles(exported.stdout).sort()).toEqual(['checkpointed', 'in the wal']);
        expect(exported.stderr).not.toContain('copy');
      } finally {
        chmodSync(folder, 0o755);
        await live.close();
      }
    });

    it('a -wal without its -shm in a read-only folder (a copy taken while a server ran): read through a snapshot that includes the -wal', async () => {
      const db = await databaseIn(join(tmp.dir, 'source'), 'before');
      const folder = join(tmp.dir, 'crash-copy');
      mkdirSync(folder);
      const live = await openTestDatabase(db);
      try {
        const api = await connect(live);
        await api.call('create_conversation', { title: 'only in the wal' });
        await api.close();
        copyFileSync(db, join(folder, 'history.db'));
        copyFileSync(`${db}-wal`, join(folder, 'history.db-wal'));
      } finally {
        await live.close();
      }
      readOnly(folder);
      const exported = runAsReader(['export', '--all', '--db', join(folder, 'history.db')], env());
      expect(exported.code, exported.stderr).toBe(0);
      expect(titles(exported.stdout).sort()).toEqual(['before', 'only in the wal']);
      expect(exported.stderr).toContain('reading a copy made now');
      expect(readdirSync(childTmp)).toEqual([]);
    });

    it('pending migrations: --read-only and a read-only export refuse with what to do; nothing is changed', async () => {
      const folder = join(tmp.dir, 'old');
      const db = await databaseIn(folder, 'old');
      const raw = new Sqlite(db);
      const last = raw
        .prepare(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`)
        .pluck()
        .get();
      raw.prepare(`DELETE FROM "_prisma_migrations" WHERE migration_name = ?`).run(last);
      raw.close();
      readOnly(folder);
      const refusal = `chat-history-mcp: cannot open the SQLite database ${db} (set by --db): it needs an upgrade (1 migration(s) of this version not applied), which a read-only open does not make: start the server once without --read-only to upgrade it\n`;
      expect(serveReadOnly(db)).toMatchObject({ code: 1, stderr: refusal });
      expect(runAsReader(['export', '--all', '--db', db], env())).toMatchObject({ code: 1, stderr: refusal });
    });

    it('--read-only on a path with no database: refused, nothing created', () => {
      const missing = join(tmp.dir, 'nothing-here', 'history.db');
      const r = serveReadOnly(missing);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/there is no database file there, and a read-only start never creates one/);
      expect(existsSync(join(tmp.dir, 'nothing-here'))).toBe(false);
    });
  },
);

describe('export on a database this user can write that needs an upgrade', () => {
  it('upgrades it first, as a start would, then exports', () => {
    const folder = join(tmp.dir, 'empty');
    mkdirSync(folder);
    const db = join(folder, 'history.db');
    writeFileSync(db, ''); // an empty file is an empty SQLite database
    const r = runAsReader(['export', '--all', '--db', db], env());
    // As `nobody` (root runs) the folder is not writable: then it is refused like --read-only.
    if (process.getuid?.() === 0) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/holds no chat history tables yet, and a read-only open does not create them/);
      chmodSync(folder, 0o777);
      chmodSync(db, 0o666);
      const again = runAsReader(['export', '--all', '--db', db], env());
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).conversations).toEqual([]);
    } else {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).conversations).toEqual([]);
    }
    const tables = new Sqlite(db, { readonly: true })
      .prepare(`SELECT count(*) FROM "_prisma_migrations"`)
      .pluck()
      .get();
    expect(Number(tables)).toBeGreaterThan(0);
  });
});
