import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_OWNER, describeDatabase, loadConfig } from '../../src/config.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
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
