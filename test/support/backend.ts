import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseTarget, Provider } from '../../src/db/index.js';

/**
 * Which backend this test run exercises. vitest.config.ts runs test/tools/ twice, as two
 * projects: `sqlite` and `postgresql` (the latter only when a server is configured; CI
 * always configures one). Each project sets CHAT_HISTORY_TEST_BACKEND.
 */
export function testBackend(): Provider {
  return process.env.CHAT_HISTORY_TEST_BACKEND === 'postgresql' ? 'postgresql' : 'sqlite';
}

/** Admin URL of the test PostgreSQL server (scripts/test-postgres.sh prints it). */
export function postgresAdminUrl(): string | undefined {
  const url = process.env.CHAT_HISTORY_TEST_POSTGRES_URL?.trim();
  return url === undefined || url === '' ? undefined : url;
}

export interface FreshTarget {
  target: DatabaseTarget;
  /** Removes the database (SQLite: its directory; PostgreSQL: DROP DATABASE). */
  drop(): Promise<void>;
}

/**
 * An empty database of the run's backend, its own for one test file or case: a file in a
 * new temp directory, or a new database on the test PostgreSQL server.
 */
export async function freshTarget(provider: Provider = testBackend()): Promise<FreshTarget> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'chat-history-test-'));
    return {
      target: { provider: 'sqlite', path: join(dir, 'history.db') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = postgresAdminUrl();
  if (admin === undefined) throw new Error('CHAT_HISTORY_TEST_POSTGRES_URL is not set (see scripts/test-postgres.sh)');
  const name = `chm_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  return {
    target: { provider: 'postgresql', url: databaseUrl(admin, name) },
    drop: () => adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The same server and credentials as `url`, another database. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** One statement on its own connection (CREATE/DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
