import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_FAILURE_MESSAGES } from '../../src/history/core/storage-errors.js';
import { adminQuery, postgresAdminUrl } from '../support/backend.js';
import { setup } from '../support/harness.js';

/**
 * The PostgreSQL server becomes unreachable under a running instance (here: its database
 * stops accepting connections and the instance's connections are cut): a tool call must get
 * a plain "could not reach the database; nothing was stored", not an internal error, and the
 * instance must recover by itself once the database is back.
 */
describe('PostgreSQL outage', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  let id: string;
  const admin = (sql: string) => adminQuery(postgresAdminUrl()!, sql);
  const dbName = () => {
    if (env.database.target.provider !== 'postgresql') throw new Error('PostgreSQL only');
    return new URL(env.database.target.url).pathname.slice(1);
  };

  beforeAll(async () => {
    env = await setup();
    id = (await env.call('create_conversation', { key: 'outage' })).conversation.id;
    await env.call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'before' }] });
  });
  afterAll(async () => {
    await admin(`ALTER DATABASE ${dbName()} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await env.close();
  });

  it('answers with a clear message while the database is unreachable, and recovers after', async () => {
    await admin(`ALTER DATABASE ${dbName()} ALLOW_CONNECTIONS false`);
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName()}'`);
    const write = await env.callError('append_messages', {
      conversation_id: id,
      messages: [{ role: 'user', content: 'lost?' }],
    });
    expect(write).toBe(STORAGE_FAILURE_MESSAGES.unreachable);
    const read = await env.callError('get_history', { conversation_id: id });
    expect(read).toBe(STORAGE_FAILURE_MESSAGES.unreachable);

    await admin(`ALTER DATABASE ${dbName()} ALLOW_CONNECTIONS true`);
    const page = await env.call('get_history', { conversation_id: id });
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['before']);
    await env.call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'after' }] });
    expect((await env.call('get_conversation', { conversation_id: id })).message_count).toBe(2);
  }, 60_000);
});
