import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAtomicFile } from '../../src/commands/atomic-file.js';
import { writeExport } from '../../src/commands/export-writer.js';
import type { Database } from '../../src/db/index.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { HistoryStore, type OwnerHistory } from '../../src/history/store.js';
import { connect, openTestDatabase, tempDir } from '../support/harness.js';
import { CLI, type Exit, requireBuiltCli } from '../support/spawn.js';

/**
 * Files a user already has: `export -o` replaces the old file only when the new one is
 * complete (a failed, interrupted or vanished-conversation export leaves it byte for byte),
 * `export --all` skips a conversation deleted while it runs and says so, and `import`
 * reads a UTF-8 file that starts with a byte-order mark.
 */
const tmp = tempDir('chat-history-export-safety-');
afterAll(() => tmp.cleanup());
const path = (name: string) => join(tmp.dir, name);
const dbPath = path('history.db');
const OLD_BACKUP = '{"format":"chat-history-mcp","version":1,"conversations":[\n{"the":"last good backup"}\n]}\n';

let database: Database;
let history: OwnerHistory;
let ids: string[];
/** A conversation longer than one export page (80 KiB), so its export takes several calls. */
let long: string;

beforeAll(async () => {
  database = await openTestDatabase(dbPath);
  const api = await connect(database);
  ids = [];
  for (const title of ['one', 'two', 'three']) {
    const id = (await api.call('create_conversation', { title })).conversation.id as string;
    await api.call('append_messages', {
      conversation_id: id,
      messages: [{ role: 'user', content: `hello from ${title}` }],
    });
    ids.push(id);
  }
  long = (await api.call('create_conversation', { title: 'long' })).conversation.id;
  const big = 'x'.repeat(60 * 1024);
  await api.call('append_messages', {
    conversation_id: long,
    messages: [1, 2, 3, 4].map((n) => ({ role: 'user', content: `${n} ${big}` })),
  });
  await api.close();
  history = new HistoryStore(database, DEFAULT_LIMITS, 10_000).forOwner('local');
});
afterAll(() => database.close());

/** Files of tmp.dir other than the database's: a temporary export file left behind shows here. */
const strayFiles = () => readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'));

/** `history`, except that the export of `victim` deletes it before its second page is read. */
function deletingBetweenPages(victim: string): OwnerHistory {
  const proxy = Object.create(history) as OwnerHistory;
  proxy.exportConversation = async (input: unknown) => {
    const { conversation_id, cursor } = input as { conversation_id: string; cursor?: string };
    if (conversation_id === victim && cursor !== undefined)
      await history.deleteConversation({ conversation_id: victim });
    return history.exportConversation(input);
  };
  return proxy;
}

/** What `export` does with -o: the file is replaced on success, kept on failure. */
async function exportToFile(target: string, job: Omit<Parameters<typeof writeExport>[0], 'out' | 'log'>) {
  const log = new PassThrough();
  let said = '';
  log.on('data', (c: Buffer) => (said += c.toString('utf8')));
  const file = await createAtomicFile(target);
  try {
    const skipped = await writeExport({ ...job, out: file.stream, log: log as unknown as NodeJS.WriteStream });
    await file.commit();
    return { skipped, said: () => said };
  } catch (err) {
    await file.abort();
    throw err;
  }
}

describe('export -o replaces a file only when complete', () => {
  it('a conversation deleted between two pages of a one-conversation export: error, old file byte-identical, no temporary file', async () => {
    const target = path('single.json');
    writeFileSync(target, OLD_BACKUP);
    const doomed = (await connect(database).then(async (api) => {
      const id = (await api.call('create_conversation', { title: 'doomed' })).conversation.id;
      await api.call('append_messages', {
        conversation_id: id,
        messages: [1, 2, 3].map((n) => ({ role: 'user', content: `${n} ${'y'.repeat(60 * 1024)}` })),
      });
      await api.close();
      return id;
    })) as string;
    await expect(
      exportToFile(target, { history: deletingBetweenPages(doomed), ids: [doomed], format: 'json', all: false }),
    ).rejects.toThrow(/not found/);
    expect(readFileSync(target, 'utf8')).toBe(OLD_BACKUP);
    expect(strayFiles()).toEqual([]);
  });

  it('a storage failure in the middle of --all: error, old file byte-identical', async () => {
    const target = path('failing.json');
    writeFileSync(target, OLD_BACKUP);
    const failing = Object.create(history) as OwnerHistory;
    failing.exportConversation = async (input: unknown) => {
      if ((input as { conversation_id: string }).conversation_id === ids[2]) throw new Error('disk I/O error');
      return history.exportConversation(input);
    };
    await expect(exportToFile(target, { history: failing, ids, format: 'json', all: true })).rejects.toThrow(
      'disk I/O error',
    );
    expect(readFileSync(target, 'utf8')).toBe(OLD_BACKUP);
    expect(strayFiles()).toEqual([]);
  });

  it('--all: a conversation deleted during the run is skipped and reported; the rest is written and imports', async () => {
    const target = path('all.json');
    writeFileSync(target, OLD_BACKUP);
    const all = [...ids, long];
    const { skipped, said } = await exportToFile(target, {
      history: deletingBetweenPages(long),
      ids: all,
      format: 'json',
      all: true,
    });
    expect(skipped).toEqual([long]);
    expect(said()).toContain(`skipped conversation ${long}: it was deleted during the export`);
    expect(said()).toContain(`exported 3 of 4 conversations; 1 deleted during the export were skipped: ${long}`);
    const doc = JSON.parse(readFileSync(target, 'utf8'));
    expect(doc.conversations.map((c: { conversation: { title: string } }) => c.conversation.title)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(strayFiles()).toEqual([]);
  });

  it('a replaced file keeps its permission bits', async () => {
    const target = path('private.json');
    writeFileSync(target, OLD_BACKUP, { mode: 0o600 });
    await exportToFile(target, { history, ids: [ids[0]!], format: 'json', all: false });
    expect(JSON.parse(readFileSync(target, 'utf8')).conversation.title).toBe('one');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });
});

describe('the built CLI', () => {
  function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('export of a missing conversation to an existing file: exit 1, file untouched, says so', () => {
    requireBuiltCli();
    const target = path('cli-missing.json');
    writeFileSync(target, OLD_BACKUP);
    const r = cli(['export', '01234567-89ab-7def-8123-456789abcdef', '-o', target, '--db', dbPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^chat-history-mcp export: conversation \S+ not found/m);
    expect(r.stderr).toContain(`${target} was left as it was`);
    expect(readFileSync(target, 'utf8')).toBe(OLD_BACKUP);
    expect(strayFiles()).toEqual([]);
  });

  it('export -o into a folder that does not exist: one line, nothing created', () => {
    const r = cli(['export', '--all', '-o', path('no/such/folder/out.json'), '--db', dbPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^chat-history-mcp export: cannot write .*out\.json: ENOENT/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('SIGTERM while an export is running: the old file stays byte-identical and the temporary file is removed', {
    timeout: 60_000,
  }, async () => {
    requireBuiltCli();
    const target = path('interrupted.json');
    writeFileSync(target, OLD_BACKUP);
    // Hold the database's exclusive lock: the export creates its temporary file first, then
    // waits on the lock (busy timeout 10 min). The signal arrives while it cannot have
    // finished; the lock is released only afterwards.
    // A database of its own: an exclusive lock needs every other connection closed.
    const lockedDb = path('locked.db');
    const seed = await openTestDatabase(lockedDb);
    await connect(seed).then(async (api) => {
      await api.call('create_conversation', { title: 'kept' });
      await api.close();
    });
    await seed.close();
    const holder = new Sqlite(lockedDb);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      holder.exec('COMMIT');
      holder.close();
    };
    try {
      const child = spawn(
        process.execPath,
        [CLI, 'export', '--all', '-o', target, '--db', lockedDb, '--busy-timeout-ms', '600000'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { PATH: process.env.PATH ?? '', HOME: tmp.dir },
        },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      while (strayFiles().length === 0) {
        if (child.exitCode !== null) throw new Error(`export ended before writing: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGTERM');
      release();
      expect(await exited).toEqual({ code: 143, signal: null });
      expect(stderr).toContain(`interrupted by SIGTERM; ${target} was left as it was`);
    } finally {
      release();
    }
    expect(readFileSync(target, 'utf8')).toBe(OLD_BACKUP);
    expect(strayFiles()).toEqual([]);
  });

  it('import reads a UTF-8 file that starts with a byte-order mark', () => {
    const exported = cli(['export', ids[0]!, '--db', dbPath]);
    expect(exported.code).toBe(0);
    const bom = path('bom.json');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(exported.stdout)]));
    const r = cli(['import', bom, '--db', path('bom-target.db')]);
    expect(r.stderr).not.toContain('not JSON');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim()).title).toBe('one');
    expect(existsSync(path('bom-target.db'))).toBe(true);
  });
});
