import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_OWNER, describeDatabase, loadConfig } from '../../src/config.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { DEFAULT_POLICY } from '../../src/history/core/policy.js';
import { defaultDatabasePath } from '../../src/paths.js';
import { CLI, requireBuiltCli } from '../support/spawn.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, { HOME: '/home/u' });
    expect(config).toMatchObject({ owner: DEFAULT_OWNER, logLevel: 'info', limits: DEFAULT_LIMITS });
    expect(config.database).toEqual({ provider: 'sqlite', path: defaultDatabasePath({ HOME: '/home/u' }) });
  });

  it('takes the database from --db, then CHAT_HISTORY_DB, then DATABASE_URL=file:', () => {
    const env = { CHAT_HISTORY_DB: '/env/a.db', DATABASE_URL: 'file:/url/b.db' };
    const path = (c: { database: { provider: string; path?: string } }) => c.database.path;
    expect(path(loadConfig({ db: '/flag/c.db' }, env))).toBe('/flag/c.db');
    expect(path(loadConfig({}, env))).toBe('/env/a.db');
    expect(path(loadConfig({}, { DATABASE_URL: 'file:/url/b.db' }))).toBe('/url/b.db');
    expect(path(loadConfig({}, { DATABASE_URL: 'file:./rel.db' }))).toBe(resolve('rel.db'));
  });

  it('selects PostgreSQL from a postgresql:// or postgres:// DATABASE_URL', () => {
    for (const url of ['postgresql://u:p@db:5432/h', 'postgres://u@db/h']) {
      expect(loadConfig({}, { DATABASE_URL: url }).database).toEqual({ provider: 'postgresql', url });
    }
    expect(describeDatabase({ provider: 'postgresql', url: 'postgresql://u:secret@db:5432/h' })).toBe(
      'postgresql://u:***@db:5432/h',
    );
  });

  it('refuses a DATABASE_URL it cannot serve, saying what to use', () => {
    expect(() => loadConfig({}, { DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL has "mysql:".*postgresql:\/\/.*file:PATH/,
    );
  });

  it('flags win over env for owner, log level and limits', () => {
    const env = { CHAT_HISTORY_OWNER: 'env-owner', LOG_LEVEL: 'warn', CHAT_HISTORY_MAX_CONTENT_BYTES: '500' };
    expect(loadConfig({}, env)).toMatchObject({
      owner: 'env-owner',
      logLevel: 'warn',
      limits: { maxContentBytes: 500 },
    });
    expect(loadConfig({ owner: 'flag-owner', logLevel: 'debug', maxContentBytes: '700' }, env)).toMatchObject({
      owner: 'flag-owner',
      logLevel: 'debug',
      limits: { maxContentBytes: 700 },
    });
  });

  it('names the flag and env var of a bad value', () => {
    expect(() => loadConfig({ maxMessagesPerCall: 'lots' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ maxMessagesPerCall: 'lots' }, {})).toThrow(
      /--max-messages-per-call \/ CHAT_HISTORY_MAX_MESSAGES_PER_CALL/,
    );
    expect(() => loadConfig({}, { LOG_LEVEL: 'loud' })).toThrow(/--log-level \/ LOG_LEVEL/);
    expect(() => loadConfig({ owner: '  ' }, {})).toThrow(/--owner/);
  });
});

describe('retention, quota and sweep settings', () => {
  it('defaults: a 7-day trash, no idle retention, audit kept 365 days, no quotas, a sweep every 60 s', () => {
    const config = loadConfig({}, {});
    expect(config.policy).toEqual(DEFAULT_POLICY);
    expect(config.policy).toEqual({
      trashDays: 7,
      retainDays: null,
      auditRetainDays: 365,
      maxBytesPerOwner: null,
      maxConversationsPerOwner: null,
    });
    expect(config.sweepIntervalSeconds).toBe(60);
  });

  it('takes each from its flag, then its environment variable', () => {
    const env = {
      CHAT_HISTORY_TRASH_DAYS: '3',
      CHAT_HISTORY_RETAIN_DAYS: '90',
      CHAT_HISTORY_AUDIT_RETAIN_DAYS: '30',
      CHAT_HISTORY_MAX_BYTES_PER_OWNER: '1000000',
      CHAT_HISTORY_MAX_CONVERSATIONS_PER_OWNER: '500',
      CHAT_HISTORY_SWEEP_INTERVAL_SECONDS: '600',
    };
    expect(loadConfig({}, env)).toMatchObject({
      policy: {
        trashDays: 3,
        retainDays: 90,
        auditRetainDays: 30,
        maxBytesPerOwner: 1_000_000,
        maxConversationsPerOwner: 500,
      },
      sweepIntervalSeconds: 600,
    });
    const flags = {
      trashDays: '1',
      retainDays: '2',
      auditRetainDays: '4',
      maxBytesPerOwner: '8',
      maxConversationsPerOwner: '16',
      sweepIntervalSeconds: '32',
    };
    expect(loadConfig(flags, env)).toMatchObject({
      policy: { trashDays: 1, retainDays: 2, auditRetainDays: 4, maxBytesPerOwner: 8, maxConversationsPerOwner: 16 },
      sweepIntervalSeconds: 32,
    });
  });

  it('0 means: delete at once (trash), keep forever (audit), never sweep in the server', () => {
    const config = loadConfig({ trashDays: '0', auditRetainDays: '0', sweepIntervalSeconds: '0' }, {});
    expect(config.policy).toMatchObject({ trashDays: 0, auditRetainDays: null });
    expect(config.sweepIntervalSeconds).toBe(0);
  });

  it('names the flag and env var of a bad value', () => {
    expect(() => loadConfig({ trashDays: '-1' }, {})).toThrow(/--trash-days \/ CHAT_HISTORY_TRASH_DAYS/);
    expect(() => loadConfig({}, { CHAT_HISTORY_RETAIN_DAYS: '0' })).toThrow(
      /--retain-days \/ CHAT_HISTORY_RETAIN_DAYS: .*leave it unset/,
    );
    expect(() => loadConfig({ auditRetainDays: '1.5' }, {})).toThrow(/--audit-retain-days/);
    expect(() => loadConfig({ maxBytesPerOwner: 'lots' }, {})).toThrow(
      /--max-bytes-per-owner \/ CHAT_HISTORY_MAX_BYTES_PER_OWNER/,
    );
    expect(() => loadConfig({ maxConversationsPerOwner: '-3' }, {})).toThrow(/--max-conversations-per-owner/);
    expect(() => loadConfig({ sweepIntervalSeconds: 'often' }, {})).toThrow(
      /--sweep-interval-seconds \/ CHAT_HISTORY_SWEEP_INTERVAL_SECONDS/,
    );
  });
});

describe('default database location', () => {
  it('follows each platform convention', () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe(
      join('/xdg', 'chat-history-mcp', 'history.db'),
    );
    expect(defaultDatabasePath({}, 'linux', '/home/u')).toBe(
      join('/home/u', '.local', 'share', 'chat-history-mcp', 'history.db'),
    );
    // A relative XDG_DATA_HOME is invalid per the spec and ignored.
    expect(defaultDatabasePath({ XDG_DATA_HOME: 'rel' }, 'linux', '/home/u')).toBe(
      join('/home/u', '.local', 'share', 'chat-history-mcp', 'history.db'),
    );
    expect(defaultDatabasePath({}, 'darwin', '/Users/u')).toBe(
      join('/Users/u', 'Library', 'Application Support', 'chat-history-mcp', 'history.db'),
    );
    expect(defaultDatabasePath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe(
      join('C:\\Users\\u\\AppData\\Roaming', 'chat-history-mcp', 'history.db'),
    );
  });
});

describe('start-up against an unusable PostgreSQL', () => {
  it('exits 1 with one line naming the URL without its password', () => {
    requireBuiltCli();
    const r = spawnSync(process.execPath, [CLI], {
      encoding: 'utf8',
      env: { ...process.env, CHAT_HISTORY_DB: '', DATABASE_URL: 'postgresql://app:s3cret@127.0.0.1:1/history' },
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^chat-history-mcp: cannot connect to PostgreSQL at postgresql:\/\/app:\*\*\*@127\.0\.0\.1:1\/history: .*ECONNREFUSED/,
    );
    expect(r.stderr).not.toContain('s3cret');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
