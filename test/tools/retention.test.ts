import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { DAY_MS, DEFAULT_POLICY, type Policy } from '../../src/history/core/policy.js';
import type { AuditEventRecord } from '../../src/history/maintenance/audit-read.js';
import { PURGE_CHUNK } from '../../src/history/maintenance/purge.js';
import { HistoryStore, type OwnerHistory } from '../../src/history/store.js';
import { freshDatabase } from '../support/harness.js';

/**
 * The retention sweep (store.maintenance.sweep): expiry, idle retention, the trash's purge and
 * the audit trail's retention, each at its edge. The sweep's clock is injected (`now`), so
 * nothing here waits for time to pass.
 */
let database: Database;
beforeEach(async () => {
  database = await freshDatabase();
});
afterEach(() => database.close());

/** Audit events are kept forever unless a test is about their retention: the sweeps below run years ahead. */
function store(policy: Partial<Policy> = {}): HistoryStore {
  return new HistoryStore(database, DEFAULT_LIMITS, 10_000, { ...DEFAULT_POLICY, auditRetainDays: null, ...policy });
}

const at = (iso: string) => new Date(iso);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

async function conversation(h: OwnerHistory, input: Record<string, unknown> = {}): Promise<string> {
  return (await h.createConversation(input)).conversation.id;
}

async function append(h: OwnerHistory, id: string, n: number): Promise<void> {
  for (let done = 0; done < n; done += 100) {
    const messages = Array.from({ length: Math.min(100, n - done) }, (_, i) => ({
      role: 'user',
      content: `message ${done + i} of ${id}`,
    }));
    await h.appendMessages({ conversation_id: id, messages });
  }
}

async function row(id: string) {
  return database.db.conversation.findUnique({ where: { id } });
}

async function usage(s: HistoryStore, owner: string) {
  const u = await s.maintenance.usage(owner);
  return { conversations: u.conversations, bytes: u.bytes };
}

async function events(s: HistoryStore, owner?: string): Promise<AuditEventRecord[]> {
  return (await s.maintenance.audit({ ...(owner !== undefined && { owner }), limit: 1000 })).events;
}

const ofOperation = (list: AuditEventRecord[], operation: string) => list.filter((e) => e.operation === operation);

describe('expiry (expires_at)', () => {
  it('expires a conversation whose expires_at is now, not one a millisecond later; key and usage go with it', async () => {
    const s = store();
    const h = s.forOwner('a');
    const deadline = at('2099-01-01T00:00:00.000Z');
    const due = await conversation(h, { key: 'k', expires_at: deadline.toISOString() });
    const later = await conversation(h, { expires_at: plus(deadline, 1).toISOString() });
    await append(h, due, 3);
    const before = await usage(s, 'a');
    const dueBytes = Number((await row(due))!.bytes);
    expect(dueBytes).toBeGreaterThan(0);

    expect(await s.maintenance.sweep({ now: deadline })).toEqual({ expired: 1, purged: 0, auditEventsDeleted: 0 });

    const trashed = (await row(due))!;
    expect(trashed).toMatchObject({
      deletedAt: deadline,
      purgeAt: plus(deadline, 7 * DAY_MS),
      key: null,
      trashedKey: 'k',
    });
    expect((await row(later))!.deletedAt).toBeNull();
    expect(await usage(s, 'a')).toEqual({ conversations: before.conversations - 1, bytes: before.bytes - dueBytes });
    // The key is free again: get-or-create makes a new conversation.
    expect((await h.createConversation({ key: 'k' })).created).toBe(true);

    const expired = ofOperation(await events(s, 'a'), 'expire');
    expect(expired).toEqual([
      expect.objectContaining({
        conversation_id: due,
        actor_kind: 'sweep',
        outcome: 'trashed',
        messages: 3,
        bytes: dueBytes,
        at: deadline.toISOString(),
      }),
    ]);

    // A second sweep at the same instant finds nothing more to do.
    expect(await s.maintenance.sweep({ now: deadline })).toEqual({ expired: 0, purged: 0, auditEventsDeleted: 0 });
    expect(ofOperation(await events(s, 'a'), 'expire')).toHaveLength(1);
  });

  it('with a trash window of 0 deletes an expired conversation at once', async () => {
    const s = store({ trashDays: 0 });
    const h = s.forOwner('a');
    const deadline = at('2099-01-01T00:00:00.000Z');
    const id = await conversation(h, { expires_at: deadline.toISOString() });
    await append(h, id, 2);

    const result = await s.maintenance.sweep({ now: deadline });
    expect(result.expired).toBe(1);
    expect(await row(id)).toBeNull();
    expect(await database.db.message.count({ where: { conversationId: id } })).toBe(0);
    expect(await usage(s, 'a')).toEqual({ conversations: 0, bytes: 0 });
    const expired = ofOperation(await events(s, 'a'), 'expire');
    expect(expired).toEqual([expect.objectContaining({ conversation_id: id, outcome: 'deleted', messages: 2 })]);
  });

  it('expires across owners and in more than one batch', async () => {
    const s = store();
    const deadline = at('2099-01-01T00:00:00.000Z');
    const ids: string[] = [];
    for (const owner of ['a', 'b', 'c']) {
      for (let i = 0; i < 3; i++)
        ids.push(await conversation(s.forOwner(owner), { expires_at: deadline.toISOString() }));
    }
    expect((await s.maintenance.sweep({ now: deadline, batchSize: 2 })).expired).toBe(9);
    for (const id of ids) expect((await row(id))!.deletedAt).toEqual(deadline);
    for (const owner of ['a', 'b', 'c']) expect(ofOperation(await events(s, owner), 'expire')).toHaveLength(3);
  });
});

describe('idle retention (--retain-days)', () => {
  it('trashes a conversation idle for longer than retainDays, not one idle for exactly retainDays', async () => {
    const s = store({ retainDays: 30 });
    const h = s.forOwner('a');
    const idle = await conversation(h);
    await append(h, idle, 2);
    const updatedAt = (await row(idle))!.updatedAt;

    // Exactly 30 days since the last activity: kept.
    expect((await s.maintenance.sweep({ now: plus(updatedAt, 30 * DAY_MS) })).expired).toBe(0);
    expect((await row(idle))!.deletedAt).toBeNull();

    // One millisecond more: trashed, as delete_conversation would.
    const now = plus(updatedAt, 30 * DAY_MS + 1);
    expect((await s.maintenance.sweep({ now })).expired).toBe(1);
    expect((await row(idle))!).toMatchObject({ deletedAt: now, purgeAt: plus(now, 7 * DAY_MS) });
    expect(ofOperation(await events(s, 'a'), 'expire')).toEqual([
      expect.objectContaining({ conversation_id: idle, outcome: 'trashed', messages: 2 }),
    ]);
    expect(await usage(s, 'a')).toEqual({ conversations: 0, bytes: 0 });
  });

  it('walks owners in batches and leaves the trash and other owners alone', async () => {
    const s = store({ retainDays: 1 });
    const owners = ['o1', 'o2', 'o3', 'o4', 'o5'];
    const ids = new Map<string, string>();
    for (const owner of owners) ids.set(owner, await conversation(s.forOwner(owner)));
    const trashed = await conversation(s.forOwner('o1'));
    await s.forOwner('o1').deleteConversation({ conversation_id: trashed });
    const deletedAt = (await row(trashed))!.deletedAt;

    const result = await s.maintenance.sweep({ now: plus(new Date(), 2 * DAY_MS), batchSize: 2 });
    expect(result.expired).toBe(5);
    for (const id of ids.values()) expect((await row(id))!.deletedAt).not.toBeNull();
    // Already in the trash: not trashed again, its purge time unchanged.
    expect((await row(trashed))!.deletedAt).toEqual(deletedAt);
    expect(ofOperation(await events(s), 'expire')).toHaveLength(5);
  });
});

describe('the trash', () => {
  it('purges a trashed conversation at its purge time, not a millisecond before; one purge event', async () => {
    const s = store();
    const h = s.forOwner('a');
    const id = await conversation(h, { title: 'to purge' });
    await append(h, id, 5);
    const bytes = Number((await row(id))!.bytes);
    await h.setSummary({ conversation_id: id, through_seq: 3, summary: 'summary' });
    await h.deleteConversation({ conversation_id: id });
    const purgeAt = (await row(id))!.purgeAt!;

    expect(await s.maintenance.sweep({ now: plus(purgeAt, -1) })).toMatchObject({ purged: 0 });
    expect(await row(id)).not.toBeNull();

    expect(await s.maintenance.sweep({ now: purgeAt })).toMatchObject({ purged: 1 });
    expect(await row(id)).toBeNull();
    expect(await database.db.message.count({ where: { conversationId: id } })).toBe(0);
    expect(await database.db.messageFtsKey.count({ where: { conversationId: id } })).toBe(0);
    expect(await database.db.summary.count({ where: { conversationId: id } })).toBe(0);
    const purged = ofOperation(await events(s, 'a'), 'purge');
    expect(purged).toEqual([
      expect.objectContaining({ conversation_id: id, actor_kind: 'sweep', messages: 5, bytes, outcome: 'ok' }),
    ]);
    // Usage: freed when it went to the trash, not a second time by the purge.
    expect(await usage(s, 'a')).toEqual({ conversations: 0, bytes: 0 });
  });

  it(`purges a conversation of more than one chunk (${PURGE_CHUNK} messages) with its tool calls`, async () => {
    const s = store();
    const h = s.forOwner('a');
    const id = await conversation(h);
    await append(h, id, PURGE_CHUNK + 37);
    await h.appendMessages({
      conversation_id: id,
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call-1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
        },
        { role: 'tool', tool_call_id: 'call-1', content: 'found' },
      ],
    });
    const other = await conversation(h);
    await append(h, other, 3);
    await h.deleteConversation({ conversation_id: id });
    const purgeAt = (await row(id))!.purgeAt!;

    expect(await s.maintenance.sweep({ now: purgeAt, actor: { kind: 'cli' } })).toMatchObject({ purged: 1 });
    expect(await row(id)).toBeNull();
    expect(await database.db.message.count({ where: { conversationId: id } })).toBe(0);
    expect(await database.db.toolCall.count({ where: { conversationId: id } })).toBe(0);
    expect(await database.db.messageFtsKey.count({ where: { conversationId: id } })).toBe(0);
    const purged = ofOperation(await events(s, 'a'), 'purge');
    expect(purged).toEqual([
      expect.objectContaining({ conversation_id: id, actor_kind: 'cli', messages: PURGE_CHUNK + 39 }),
    ]);
    // The other conversation is whole.
    expect(await database.db.message.count({ where: { conversationId: other } })).toBe(3);
  });

  it('does not purge a conversation restored before its purge time', async () => {
    const s = store();
    const h = s.forOwner('a');
    const id = await conversation(h);
    await append(h, id, 2);
    await h.deleteConversation({ conversation_id: id });
    const purgeAt = (await row(id))!.purgeAt!;
    await h.restoreConversation({ conversation_id: id });

    expect(await s.maintenance.sweep({ now: purgeAt })).toMatchObject({ purged: 0 });
    expect((await row(id))!.deletedAt).toBeNull();
    expect(await database.db.message.count({ where: { conversationId: id } })).toBe(2);
    expect(ofOperation(await events(s, 'a'), 'purge')).toEqual([]);
  });

  it('purges expired conversations once their own trash window has passed', async () => {
    const s = store({ trashDays: 2 });
    const h = s.forOwner('a');
    const deadline = at('2099-01-01T00:00:00.000Z');
    const id = await conversation(h, { expires_at: deadline.toISOString() });
    expect(await s.maintenance.sweep({ now: deadline })).toMatchObject({ expired: 1, purged: 0 });
    expect(await s.maintenance.sweep({ now: plus(deadline, 2 * DAY_MS) })).toMatchObject({ expired: 0, purged: 1 });
    expect(await row(id)).toBeNull();
    expect((await events(s, 'a')).map((e) => e.operation)).toEqual(['create', 'expire', 'purge']);
  });
});

describe('audit retention', () => {
  it('deletes events older than auditRetainDays, keeps one exactly that old', async () => {
    const s = store({ auditRetainDays: 10 });
    const h = s.forOwner('a');
    await conversation(h);
    await conversation(h);
    const [first, second] = await events(s, 'a');
    const firstAt = at(first!.at);
    const secondAt = at(second!.at);

    // The first event is exactly 10 days old: kept.
    expect(await s.maintenance.sweep({ now: plus(firstAt, 10 * DAY_MS) })).toMatchObject({ auditEventsDeleted: 0 });
    expect(await events(s, 'a')).toHaveLength(2);

    // One millisecond older than the window: deleted (and the second one too if it is as old).
    const now = plus(firstAt, 10 * DAY_MS + 1);
    const expected = secondAt.getTime() < firstAt.getTime() + 1 ? 2 : 1;
    expect(await s.maintenance.sweep({ now })).toMatchObject({ auditEventsDeleted: expected });
    expect((await events(s, 'a')).map((e) => e.id)).toEqual(expected === 2 ? [] : [second!.id]);
  });

  it('deletes in batches', async () => {
    const s = store({ auditRetainDays: 1 });
    const h = s.forOwner('a');
    for (let i = 0; i < 7; i++) await conversation(h);
    const result = await s.maintenance.sweep({ now: plus(new Date(), 2 * DAY_MS), batchSize: 3 });
    expect(result.auditEventsDeleted).toBe(7);
    expect(await events(s)).toEqual([]);
  });

  it('keeps events forever when auditRetainDays is null', async () => {
    const s = store({ auditRetainDays: null });
    await conversation(s.forOwner('a'));
    expect(await s.maintenance.sweep({ now: at('9000-01-01T00:00:00.000Z') })).toMatchObject({ auditEventsDeleted: 0 });
    expect(await events(s)).toHaveLength(1);
  });
});
