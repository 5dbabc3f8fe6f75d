// The audit trail as the tools write it: every write records exactly one event, in the same
// transaction as the change (no change without its event, no event without its change), with
// who made it and counts — never content. Both backends; in memory and over HTTP (tokens).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import { AUDIT_COLUMNS } from '../../src/db/audit-columns.js';
import { join, sql } from '../../src/db/sql.js';
import { AUDIT_SCAN_MAX } from '../../src/history/account/list-audit-events.js';
import { auditValues } from '../../src/history/core/audit.js';
import { testBackend } from '../support/backend.js';
import { type Connected, freshDatabase, setup } from '../support/harness.js';
import { connectHttp, startTestHttp } from '../support/http.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.close());

const call = (id: string) => ({
  id,
  type: 'function',
  function: { name: 'lookup', arguments: '{"q":"secret words"}' },
});

/** Every event of the owner, oldest first. */
async function events(client: Connected, filter: Record<string, unknown> = {}) {
  const all: any[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.call('list_audit_events', { limit: 200, ...filter, ...(cursor && { cursor }) });
    all.push(...page.events);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return all.reverse();
}

/** The events a write adds. */
async function added(client: Connected, write: () => Promise<unknown>) {
  const before = (await events(client)).length;
  await write();
  return (await events(client)).slice(before);
}

describe('each write records exactly one event', () => {
  it('create (only when it creates), update, append, rewind, set_summary, fork, export-import, delete, restore', async () => {
    const [create] = await added(env, () => env.call('create_conversation', { key: 'k1', title: 'secret title' }));
    expect(create).toMatchObject({ operation: 'create', outcome: 'ok', actor: { kind: 'local', name: 'test/1.0.0' } });
    const id = create.conversation_id;
    // Get-or-create that finds the conversation changes nothing: no event.
    expect(await added(env, () => env.call('create_conversation', { key: 'k1' }))).toEqual([]);

    const update = await added(env, () =>
      env.call('update_conversation', { conversation_id: id, metadata: { secret: 'value' } }),
    );
    expect(update).toEqual([
      expect.objectContaining({ operation: 'update', conversation_id: id, outcome: 'metadata' }),
    ]);

    const messages = [
      { role: 'user', content: 'héllo 🌍' },
      { role: 'assistant', content: null, tool_calls: [call('c1')] },
    ];
    const bytes = Buffer.byteLength('héllo 🌍') + Buffer.byteLength(call('c1').function.arguments);
    const append = await added(env, () => env.call('append_messages', { conversation_id: id, messages }));
    expect(append).toEqual([
      expect.objectContaining({ operation: 'append', first_seq: 1, last_seq: 2, messages: 2, bytes }),
    ]);
    // The checked path (a tool result answering a stored call, an idempotency key) records the same way.
    const tool = { role: 'tool', tool_call_id: 'c1', content: 'found' };
    const checked = await added(env, () =>
      env.call('append_messages', { conversation_id: id, messages: [tool], idempotency_key: 'once' }),
    );
    expect(checked).toEqual([
      expect.objectContaining({ operation: 'append', first_seq: 3, last_seq: 3, messages: 1, bytes: 5 }),
    ]);
    // A replay changes nothing: no event.
    expect(
      await added(env, () =>
        env.call('append_messages', { conversation_id: id, messages: [tool], idempotency_key: 'once' }),
      ),
    ).toEqual([]);

    const summary = await added(env, () =>
      env.call('set_summary', { conversation_id: id, summary: 'secret summary', through_seq: 2 }),
    );
    expect(summary).toEqual([expect.objectContaining({ operation: 'summary', first_seq: 1, last_seq: 2 })]);

    const fork = await added(env, () => env.call('fork_conversation', { conversation_id: id, through_seq: 2 }));
    expect(fork).toEqual([
      expect.objectContaining({ operation: 'fork', first_seq: 1, last_seq: 2, messages: 2, bytes }),
    ]);

    const rewind = await added(env, () => env.call('delete_messages', { conversation_id: id, from_seq: 2 }));
    expect(rewind).toEqual([
      expect.objectContaining({ operation: 'rewind', conversation_id: id, first_seq: 2, last_seq: 3, messages: 2 }),
    ]);
    expect(rewind[0].bytes).toBe(Buffer.byteLength(call('c1').function.arguments) + 5);

    const imported = await added(env, () =>
      env.call('import_conversation', { format: 'openai', data: [{ role: 'user', content: 'abc' }] }),
    );
    expect(imported).toEqual([
      expect.objectContaining({ operation: 'import', first_seq: 1, last_seq: 1, messages: 1, bytes: 3 }),
    ]);

    const del = await added(env, () => env.call('delete_conversation', { conversation_id: id }));
    expect(del).toEqual([expect.objectContaining({ operation: 'delete', conversation_id: id, outcome: 'trashed' })]);
    const restore = await added(env, () => env.call('restore_conversation', { conversation_id: id }));
    expect(restore).toEqual([expect.objectContaining({ operation: 'restore', conversation_id: id, outcome: 'ok' })]);

    // Never content or metadata values: nothing an agent wrote appears in any event.
    const text = JSON.stringify(await events(env));
    for (const secret of ['secret', 'héllo', 'found', 'abc', 'lookup', 'value']) expect(text).not.toContain(secret);
  });

  it('filters by conversation, operation and time, and pages newest first', async () => {
    const { conversation } = await env.call('create_conversation', {});
    for (let i = 0; i < 5; i++)
      await env.call('append_messages', {
        conversation_id: conversation.id,
        messages: [{ role: 'user', content: 'x' }],
      });
    const mine = await events(env, { conversation_id: conversation.id });
    expect(mine.map((e) => e.operation)).toEqual(['create', 'append', 'append', 'append', 'append', 'append']);
    expect(mine.map((e) => e.first_seq).slice(1)).toEqual([1, 2, 3, 4, 5]);

    const page = await env.call('list_audit_events', { conversation_id: conversation.id, limit: 2 });
    expect(page.events.map((e: any) => e.first_seq)).toEqual([5, 4]);
    const next = await env.call('list_audit_events', {
      conversation_id: conversation.id,
      limit: 2,
      cursor: page.next_cursor,
    });
    expect(next.events.map((e: any) => e.first_seq)).toEqual([3, 2]);

    const appends = await events(env, { conversation_id: conversation.id, operation: 'create' });
    expect(appends).toHaveLength(1);
    const at = mine[3].at;
    const since = await events(env, { conversation_id: conversation.id, since: at });
    expect(since.every((e) => e.at >= at)).toBe(true);
    expect(since.map((e) => e.id)).toEqual(mine.filter((e) => e.at >= at).map((e) => e.id));
    expect(await env.callError('list_audit_events', { operation: 'read' })).toMatch(/operation/);
    expect(await env.callError('list_audit_events', { since: 'yesterday' })).toMatch(/since/);
    expect(await env.callError('list_audit_events', { cursor: 'nope' })).toMatch(/cursor/);
  });
});

describe('a filtered page examines a bounded number of events', () => {
  it('answers what it found with a cursor, then goes on from there', async () => {
    const many = await setup({ owner: 'busy' });
    try {
      // One 'restore' event, then more than one scan window of other events after it.
      const old = (await many.call('create_conversation', {})).conversation.id;
      await many.call('delete_conversation', { conversation_id: old });
      await many.call('restore_conversation', { conversation_id: old });
      const n = AUDIT_SCAN_MAX + 10;
      for (let i = 0; i < n; i += 500) {
        const rows = Array.from({ length: Math.min(500, n - i) }, () =>
          auditValues('busy', { kind: 'cli' }, new Date(), { operation: 'update', conversationId: old }),
        );
        await many.database.db
          .$executeRaw`INSERT INTO audit_events ${AUDIT_COLUMNS} VALUES ${join(rows.map((r) => sql`(${r})`))}`;
      }
      const first = await many.call('list_audit_events', { operation: 'restore' });
      expect(first.events).toEqual([]);
      expect(first.next_cursor).not.toBeNull();
      const second = await many.call('list_audit_events', { operation: 'restore', cursor: first.next_cursor });
      expect(second.events.map((e: any) => e.operation)).toEqual(['restore']);
      expect(second.next_cursor).toBeNull();
      // Unfiltered pages are never short.
      expect((await many.call('list_audit_events', { limit: 200 })).events).toHaveLength(200);
    } finally {
      await many.close();
    }
  });
});

describe('a failed write leaves no event and no change', () => {
  it('unknown conversation, broken rule, idempotency conflict, quota', async () => {
    const small = await setup({ policy: { maxBytesPerOwner: 10, maxConversationsPerOwner: 1 } });
    try {
      const { conversation } = await small.call('create_conversation', {});
      const id = conversation.id;
      await small.call('append_messages', {
        conversation_id: id,
        messages: [{ role: 'user', content: '12345' }],
        idempotency_key: 'a',
      });
      const before = await events(small);
      const failures: Array<[string, Record<string, unknown>]> = [
        ['append_messages', { conversation_id: 'missing', messages: [{ role: 'user', content: 'x' }] }],
        ['append_messages', { conversation_id: id, messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] }],
        ['append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'x' }], idempotency_key: 'a' }],
        ['append_messages', { conversation_id: id, messages: [{ role: 'user', content: '123456' }] }],
        ['create_conversation', { title: 'second' }],
        ['import_conversation', { format: 'openai', data: [{ role: 'user', content: 'x' }] }],
        ['fork_conversation', { conversation_id: id }],
        ['delete_messages', { conversation_id: id, from_seq: 9 }],
        ['set_summary', { conversation_id: id, summary: 's', through_seq: 9 }],
        ['restore_conversation', { conversation_id: id }],
        ['update_conversation', { conversation_id: 'missing', title: 'x' }],
      ];
      for (const [tool, args] of failures) await small.callError(tool, args);
      expect(await events(small)).toEqual(before);
      const history = await small.call('get_history', { conversation_id: id });
      expect(history.messages.map((m: any) => m.content)).toEqual(['12345']);
      expect(await small.call('get_usage', {})).toMatchObject({ conversations: 1, bytes: 5 });
    } finally {
      await small.close();
    }
  });

  it('a change whose event cannot be written does not happen (one transaction)', async () => {
    const broken = await setup();
    try {
      const { conversation } = await broken.call('create_conversation', { key: 'k' });
      const id = conversation.id;
      await breakAuditInserts(broken);
      const writes: Array<[string, Record<string, unknown>]> = [
        ['create_conversation', { key: 'other' }],
        ['append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'x' }] }],
        ['append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'x' }], idempotency_key: 'i' }],
        ['update_conversation', { conversation_id: id, title: 'new' }],
        ['delete_conversation', { conversation_id: id }],
        ['import_conversation', { format: 'openai', data: [{ role: 'user', content: 'x' }] }],
        ['fork_conversation', { conversation_id: id }],
      ];
      for (const [tool, args] of writes) await broken.callError(tool, args);
      const db = broken.database.db;
      expect(await db.conversation.count()).toBe(1);
      expect(await db.message.count()).toBe(0);
      expect(await broken.call('get_conversation', { conversation_id: id })).toMatchObject({ title: null, key: 'k' });
      expect(await broken.call('get_usage', {})).toMatchObject({ conversations: 1, bytes: 0 });
    } finally {
      await broken.close();
    }
  });
});

/** Make every INSERT into audit_events fail, as a disk or constraint failure would, on either backend. */
async function breakAuditInserts(e: Env): Promise<void> {
  if (testBackend() === 'sqlite') {
    await e.database.db.$executeRawUnsafe(
      `CREATE TRIGGER audit_down BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit down'); END`,
    );
  } else {
    await e.database.db.$executeRawUnsafe(
      `CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit down'; END $$`,
    );
    await e.database.db.$executeRawUnsafe(
      'CREATE TRIGGER audit_down BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_down()',
    );
  }
}

describe('the actor over HTTP', () => {
  it('names the token (id and name), and a service token acting for an owner', async () => {
    const database = await freshDatabase();
    const tokens = new TokenStore(database.db);
    const personal = await tokens.create({ owner: 'alice', name: 'laptop' });
    const service = await tokens.create({ owner: 'backend', name: 'chatbot', service: true });
    const http = await startTestHttp(database);
    try {
      const alice = await connectHttp(http.url, personal.secret);
      const forAlice = await connectHttp(http.url, service.secret, { 'X-Chat-History-Owner': 'alice' });
      try {
        await alice.call('create_conversation', {});
        await forAlice.call('create_conversation', {});
        const actors = (await events(alice)).filter((e) => e.operation === 'create').map((e) => e.actor);
        expect(actors).toEqual([
          { kind: 'token', id: personal.token.id, name: 'laptop' },
          { kind: 'service', id: service.token.id, name: 'chatbot' },
        ]);
      } finally {
        await alice.close();
        await forAlice.close();
      }
    } finally {
      await http.close();
      await database.close();
    }
  });
});
