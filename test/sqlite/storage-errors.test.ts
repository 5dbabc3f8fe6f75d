import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDialect } from '../../src/db/sqlite/dialect.js';
import { PrismaClient } from '../../src/generated/sqlite/client.js';
import { STORAGE_FAILURE_MESSAGES, storageFailure } from '../../src/history/core/storage-errors.js';
import { connect, setup } from '../support/harness.js';

/**
 * A full or read-only database, in-process: SQLite's max_page_count makes the file "full",
 * a second client opened read-only on the same file gets SQLITE_READONLY. (test/stress/
 * disk-failure.test.ts does the same with a real full disk, a file-size limit and a
 * filesystem that turns read-only under a running server.)
 */
let env: Awaited<ReturnType<typeof setup>>;
let id: string;
beforeAll(async () => {
  env = await setup();
  id = (await env.call('create_conversation', { key: 'disk' })).conversation.id;
  await env.call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'before' }] });
});
afterAll(() => env.close());

const big = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ role: 'user', content: `${i} ${'x'.repeat(60_000)}` }));

async function expectUnchanged(api: Pick<typeof env, 'call'>) {
  const page = await api.call('get_history', { conversation_id: id });
  expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['before']);
  expect(page.message_count).toBe(1);
  expect((await api.call('list_conversations', {})).conversations.map((c: { id: string }) => c.id)).toContain(id);
}

describe('a full database', () => {
  it('refuses the write with a clear message, stores nothing of the batch, keeps reading, and recovers when space returns', async () => {
    const [row] = await env.database.db.$queryRawUnsafe<Array<{ page_count: bigint }>>('PRAGMA page_count');
    await env.database.db.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(row!.page_count) + 20}`);
    try {
      const text = await env.callError('append_messages', { conversation_id: id, messages: big(10) });
      expect(text).toBe(STORAGE_FAILURE_MESSAGES.full);
      await expectUnchanged(env);
    } finally {
      await env.database.db.$queryRawUnsafe('PRAGMA max_page_count = 4294967294');
    }
    const stored = await env.call('append_messages', { conversation_id: id, messages: big(10) });
    expect(stored.messages.map((m: { seq: number }) => m.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});

describe('a read-only database', () => {
  it('refuses every write with a clear message and keeps serving reads', async () => {
    if (env.database.target.provider !== 'sqlite') throw new Error('SQLite only');
    const db = new PrismaClient({
      adapter: new PrismaBetterSqlite3({ url: `file:${env.database.target.path}`, readonly: true }),
    });
    const ro = await connect({ db, provider: 'sqlite', dialect: sqliteDialect, close: () => db.$disconnect() });
    try {
      const history = await ro.call('get_history', { conversation_id: id });
      expect(history.message_count).toBeGreaterThanOrEqual(1);
      const writes: Array<[string, Record<string, unknown>]> = [
        ['append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'nope' }] }],
        ['create_conversation', { title: 'nope' }],
        ['update_conversation', { conversation_id: id, title: 'nope' }],
        ['delete_conversation', { conversation_id: id }],
      ];
      for (const [tool, args] of writes)
        expect(await ro.callError(tool, args), tool).toBe(STORAGE_FAILURE_MESSAGES.read_only);
      expect(await ro.call('get_history', { conversation_id: id })).toEqual(history);
      expect((await ro.call('get_conversation', { conversation_id: id })).id).toBe(id);
    } finally {
      await ro.close();
      await db.$disconnect();
    }
  });
});

describe('storageFailure', () => {
  it('finds the SQLite code in each shape the driver layers produce', () => {
    const adapterError = (originalCode: string) =>
      Object.assign(new Error('x'), { name: 'DriverAdapterError', cause: { kind: 'sqlite', originalCode } });
    expect(storageFailure(adapterError('SQLITE_IOERR_WRITE'))).toEqual({ kind: 'io', code: 'SQLITE_IOERR_WRITE' });
    expect(
      storageFailure(
        Object.assign(new Error('x'), { code: 'P2039', meta: { driverAdapterError: adapterError('SQLITE_FULL') } }),
      )?.kind,
    ).toBe('full');
    expect(storageFailure(Object.assign(new Error('x'), { code: 'SQLITE_READONLY_DBMOVED' }))?.kind).toBe('read_only');
    expect(storageFailure(Object.assign(new Error('x'), { code: 'SQLITE_CANTOPEN' }))?.kind).toBe('cant_open');
    expect(storageFailure(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBeUndefined();
    expect(storageFailure(new Error('plain'))).toBeUndefined();
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(storageFailure(loop)).toBeUndefined();
  });

  it('finds PostgreSQL failures: SQLSTATEs, adapter kinds, socket codes', () => {
    const prismaError = (cause: Record<string, unknown>) =>
      Object.assign(new Error('x'), {
        code: 'P2010',
        meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
      });
    expect(storageFailure(prismaError({ kind: 'postgres', code: '53100', originalCode: '53100' }))).toEqual({
      kind: 'full',
      code: '53100',
    });
    expect(storageFailure(prismaError({ kind: 'postgres', code: '25006', originalCode: '25006' }))?.kind).toBe(
      'read_only',
    );
    expect(storageFailure(prismaError({ kind: 'postgres', code: '57P01', originalCode: '57P01' }))?.kind).toBe(
      'unreachable',
    );
    expect(storageFailure(prismaError({ kind: 'DatabaseNotReachable', host: 'db', port: 5432 }))?.kind).toBe(
      'unreachable',
    );
    expect(storageFailure(prismaError({ kind: 'TooManyConnections', originalCode: '53300' }))?.kind).toBe(
      'unreachable',
    );
    expect(
      storageFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))?.kind,
    ).toBe('unreachable');
    expect(storageFailure(new Error('Connection terminated unexpectedly'))?.kind).toBe('unreachable');
    // Ordinary failures stay ordinary (they are bugs, or rules the domain reports itself).
    expect(storageFailure(prismaError({ kind: 'UniqueConstraintViolation', originalCode: '23505' }))).toBeUndefined();
    expect(storageFailure(prismaError({ kind: 'postgres', code: '42601', originalCode: '42601' }))).toBeUndefined();
    expect(storageFailure(Object.assign(new Error('x'), { code: 'P2002' }))).toBeUndefined();
  });
});
