import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { HistoryStore } from '../../src/history/store.js';
import { openTestDatabase, tempDir } from '../support/harness.js';
import { CLI, requireBuiltCli, startServer } from '../support/spawn.js';

/**
 * The operator's commands of the BUILT entry point (dist/cli.js): `purge`, `audit`,
 * `owner erase | quota | usage`, run as cron or an operator runs them.
 */
const tmp = tempDir('chat-history-cli-operator-');
const db = join(tmp.dir, 'history.db');
let expiring: string;
let trashed: string;

function cli(...args: string[]) {
  const env = { ...process.env };
  delete env.CHAT_HISTORY_OWNER;
  delete env.LOG_LEVEL;
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(...args: string[]) {
  const r = cli(...args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

beforeAll(async () => {
  requireBuiltCli();
  const database = await openTestDatabase(db);
  try {
    const store = new HistoryStore(database, DEFAULT_LIMITS, 10_000);
    const alice = store.forOwner('alice');
    const bob = store.forOwner('bob');
    const keep = (await alice.createConversation({ title: 'keep' })).conversation.id;
    await alice.appendMessages({ conversation_id: keep, messages: [{ role: 'user', content: 'secret words' }] });
    expiring = (await alice.createConversation({ title: 'expires' })).conversation.id;
    trashed = (await bob.createConversation({ title: 'trashed' })).conversation.id;
    await bob.appendMessages({ conversation_id: trashed, messages: [{ role: 'user', content: 'more secret words' }] });
    await bob.deleteConversation({ conversation_id: trashed });
    // Set in the past directly: the tools only accept what a client would send, and the CLI's
    // clock cannot be moved.
    const past = new Date(Date.now() - 60_000);
    await database.db.conversation.update({ where: { id: expiring }, data: { expiresAt: past } });
    await database.db.conversation.update({ where: { id: trashed }, data: { purgeAt: past } });
  } finally {
    await database.close();
  }
});
afterAll(() => tmp.cleanup());

describe('chat-history-mcp purge', () => {
  it('runs the sweep once and prints one JSON line; a second run finds nothing', { timeout: 60_000 }, () => {
    const first = ok('purge', '--db', db);
    expect(lines(first.stdout)).toEqual([{ expired: 1, purged: 1, audit_events_deleted: 0 }]);
    expect(first.stderr).toBe('');
    expect(lines(ok('purge', '--db', db).stdout)).toEqual([{ expired: 0, purged: 0, audit_events_deleted: 0 }]);
  });
});

describe('chat-history-mcp audit', () => {
  it('prints every event as a JSON line, oldest first, snake_case, without content', { timeout: 60_000 }, () => {
    const events = lines(ok('audit', '--db', db).stdout);
    expect(events.map((e) => `${e.owner}:${e.operation}`)).toEqual([
      'alice:create',
      'alice:append',
      'alice:create',
      'bob:create',
      'bob:append',
      'bob:delete',
      'alice:expire',
      'bob:purge',
    ]);
    expect(Object.keys(events[0]).sort()).toEqual(
      [
        'id',
        'at',
        'owner',
        'actor_kind',
        'actor_id',
        'actor_name',
        'operation',
        'conversation_id',
        'first_seq',
        'last_seq',
        'messages',
        'bytes',
        'outcome',
      ].sort(),
    );
    expect(events.at(-2)).toMatchObject({ conversation_id: expiring, actor_kind: 'cli', outcome: 'trashed' });
    expect(events.at(-1)).toMatchObject({ conversation_id: trashed, actor_kind: 'cli', messages: 1 });
    expect(JSON.stringify(events)).not.toContain('secret');
    const ids = events.map((e) => e.id);
    expect([...ids].sort()).toEqual(ids);
  });

  it('narrows by --owner, --since and --limit', { timeout: 60_000 }, () => {
    expect(lines(ok('audit', '--owner', 'bob', '--db', db).stdout).map((e) => e.operation)).toEqual([
      'create',
      'append',
      'delete',
      'purge',
    ]);
    expect(lines(ok('audit', '--since', '1h', '--db', db).stdout)).toHaveLength(8);
    expect(lines(ok('audit', '--since', '2999-01-01T00:00:00Z', '--db', db).stdout)).toEqual([]);
    expect(lines(ok('audit', '--since', '2000-01-01', '--limit', '3', '--db', db).stdout)).toHaveLength(3);
    const bad = cli('audit', '--since', 'yesterday', '--db', db);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^chat-history-mcp audit: --since: "yesterday" is neither an ISO-8601 time/);
  });
});

describe('chat-history-mcp owner', () => {
  it('quota sets and clears overrides, audited; usage shows them', { timeout: 60_000 }, () => {
    const set = lines(
      ok('owner', 'quota', 'alice', '--max-bytes', '1000', '--max-conversations', '5', '--db', db).stdout,
    );
    expect(set).toEqual([
      expect.objectContaining({
        owner: 'alice',
        conversations: 1,
        max_bytes: 1000,
        max_bytes_override: 1000,
        max_conversations: 5,
      }),
    ]);
    const cleared = lines(
      ok('owner', 'quota', 'alice', '--max-conversations', 'default', '--max-conversations-per-owner', '9', '--db', db)
        .stdout,
    );
    expect(cleared).toEqual([
      expect.objectContaining({ max_bytes: 1000, max_conversations: 9, max_conversations_override: null }),
    ]);
    const quotaEvents = lines(ok('audit', '--owner', 'alice', '--db', db).stdout).filter(
      (e) => e.operation === 'quota_set',
    );
    expect(quotaEvents.map((e) => e.outcome)).toEqual([
      'bytes=1000,conversations=5',
      'bytes=1000,conversations=default',
    ]);

    expect(cli('owner', 'quota', 'alice', '--db', db)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--max-bytes/),
    });
    expect(cli('owner', 'quota', 'alice', '--max-bytes', 'lots', '--db', db)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--max-bytes: "lots" is neither a whole number/),
    });

    const usage = lines(ok('owner', 'usage', '--json', '--db', db).stdout);
    expect(usage.map((u) => u.owner)).toEqual(['alice', 'bob']);
    expect(usage[1]).toMatchObject({ owner: 'bob', conversations: 0, bytes: 0, max_bytes: null });
    const table = ok('owner', 'usage', '--max-bytes-per-owner', '4096', '--db', db).stdout;
    expect(table.split('\n')[0]).toMatch(/^OWNER\s+CONVERSATIONS\s+MAX_CONVERSATIONS\s+BYTES\s+MAX_BYTES$/);
    expect(table).toMatch(/^alice\s+1\s+unlimited\s+\d+\s+1000$/m);
    expect(table).toMatch(/^bob\s+0\s+unlimited\s+0\s+4096 \(default\)$/m);
  });

  it('erase refuses without --yes, saying what it would delete, then erases with it', { timeout: 60_000 }, () => {
    const refused = cli('owner', 'erase', 'alice', '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^chat-history-mcp owner erase: would delete everything of owner "alice": 2 conversations \(1 in the trash\) with 1 messages .*--yes/,
    );
    expect(lines(ok('owner', 'usage', 'alice', '--json', '--db', db).stdout)[0]).toMatchObject({ conversations: 1 });

    const erased = lines(ok('owner', 'erase', 'alice', '--yes', '--db', db).stdout);
    expect(erased).toEqual([
      expect.objectContaining({ owner: 'alice', conversations: 2, messages: 1, tokens: 0, audit_events: 6 }),
    ]);
    expect(lines(ok('owner', 'usage', 'alice', '--json', '--db', db).stdout)[0]).toMatchObject({
      conversations: 0,
      max_bytes_override: null,
    });
    const left = lines(ok('audit', '--owner', 'alice', '--db', db).stdout);
    expect(left).toEqual([expect.objectContaining({ operation: 'erase', actor_kind: 'cli', messages: 1 })]);
    expect(lines(ok('audit', '--owner', 'bob', '--db', db).stdout)).toHaveLength(4);
  });
});

describe('the sweep inside a server', () => {
  it('a stdio server expires a due conversation on its own and says so once on stderr', {
    timeout: 60_000,
  }, async () => {
    const path = join(tmp.dir, 'served.db');
    const database = await openTestDatabase(path);
    let id: string;
    try {
      const store = new HistoryStore(database, DEFAULT_LIMITS, 10_000);
      id = (await store.forOwner('local').createConversation({ title: 'due' })).conversation.id;
      await database.db.conversation.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    } finally {
      await database.close();
    }
    const server = await startServer(path, ['--log-level', 'info', '--sweep-interval-seconds', '1']);
    try {
      // Waits for the first sweep (about two seconds after start); the test's timeout bounds it.
      while ((await server.callRaw('get_conversation', { conversation_id: id })).isError !== true) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      while (!server.stderr().includes('"msg":"retention sweep"')) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const sweepLines = server
        .stderr()
        .split('\n')
        .filter((l) => l.includes('retention sweep'));
      expect(sweepLines).toHaveLength(1);
      expect(JSON.parse(sweepLines[0]!)).toMatchObject({ level: 30, expired: 1, purged: 0 });
    } finally {
      await server.close();
      await server.exited;
    }
    expect(lines(ok('audit', '--db', path).stdout).map((e) => [e.operation, e.actor_kind])).toEqual([
      ['create', 'local'],
      ['expire', 'sweep'],
    ]);
  });
});
