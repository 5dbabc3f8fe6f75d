import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { DEFAULT_POLICY } from '../../src/history/core/policy.js';
import { HistoryStore } from '../../src/history/store.js';
import { freshDatabase } from '../support/harness.js';

/**
 * The operator's reads and settings (store.maintenance): the audit trail across owners, usage
 * and quotas, and the token commands' audit events.
 */
let database: Database;
let store: HistoryStore;
beforeAll(async () => {
  database = await freshDatabase();
  store = new HistoryStore(database, DEFAULT_LIMITS, 10_000, { ...DEFAULT_POLICY, maxBytesPerOwner: 5000 });
});
afterAll(() => database.close());

describe('audit trail reading', () => {
  beforeAll(async () => {
    for (const owner of ['r1', 'r2', 'r3']) {
      const h = store.forOwner(owner);
      for (let i = 0; i < 3; i++) await h.createConversation({ title: `${owner}-${i}` });
    }
  });

  it('pages through every owner, oldest first, with no event twice or missing', async () => {
    const all = (await store.maintenance.audit({ limit: 1000 })).events.filter((e) => e.owner.startsWith('r'));
    expect(all).toHaveLength(9);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.maintenance.audit({ ...(after !== undefined && { after }), limit: 2 });
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.filter((e) => e.owner.startsWith('r')).map((e) => e.id));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(all.map((e) => e.id));
    expect([...seen].sort()).toEqual(seen);
  });

  it("reads one owner's events and those since a time", async () => {
    const r2 = (await store.maintenance.audit({ owner: 'r2', limit: 100 })).events;
    expect(r2.map((e) => e.operation)).toEqual(['create', 'create', 'create']);
    expect(r2.every((e) => e.owner === 'r2' && e.actor_kind === 'local')).toBe(true);

    const last = r2.at(-1)!;
    const since = (await store.maintenance.audit({ owner: 'r2', since: new Date(last.at), limit: 100 })).events;
    expect(since.map((e) => e.id)).toContain(last.id);
    expect(since.every((e) => e.at >= last.at)).toBe(true);
    expect(
      (await store.maintenance.audit({ since: new Date(Date.parse(last.at) + 3_600_000), limit: 100 })).events,
    ).toEqual([]);
  });
});

describe('usage and quotas', () => {
  it('lists every owner in pages, with effective limits and overrides', async () => {
    for (const owner of ['u1', 'u2', 'u3']) await store.forOwner(owner).createConversation({});
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.maintenance.listUsage({ ...(after !== undefined && { after }), limit: 2 });
      names.push(...page.owners.map((o) => o.owner));
      if (page.next === null) break;
      after = page.next;
    }
    expect(names.filter((n) => n.startsWith('u'))).toEqual(['u1', 'u2', 'u3']);
    expect(await store.maintenance.usage('u1')).toEqual({
      owner: 'u1',
      conversations: 1,
      bytes: 0,
      maxConversations: null,
      maxBytes: 5000,
      maxConversationsOverride: null,
      maxBytesOverride: null,
    });
  });

  it('sets, keeps and clears overrides; each change is one quota_set event', async () => {
    const m = store.maintenance;
    expect(await m.setQuota('q', { maxBytes: 100, maxConversations: 2 })).toMatchObject({
      maxBytes: 100,
      maxConversations: 2,
      maxBytesOverride: 100,
    });
    // Only what is named changes.
    expect(await m.setQuota('q', { maxConversations: 3 })).toMatchObject({ maxBytes: 100, maxConversations: 3 });
    // null: back to the server default.
    expect(await m.setQuota('q', { maxBytes: null })).toMatchObject({
      maxBytes: 5000,
      maxBytesOverride: null,
      maxConversations: 3,
    });
    const events = (await m.audit({ owner: 'q', limit: 10 })).events;
    expect(events.map((e) => [e.operation, e.actor_kind, e.outcome])).toEqual([
      ['quota_set', 'cli', 'bytes=100,conversations=2'],
      ['quota_set', 'cli', 'bytes=100,conversations=3'],
      ['quota_set', 'cli', 'bytes=default,conversations=3'],
    ]);
  });

  it('an override is what the owner’s writes are checked against', async () => {
    await store.maintenance.setQuota('limited', { maxConversations: 1 });
    const h = store.forOwner('limited');
    await h.createConversation({});
    await expect(h.createConversation({})).rejects.toThrow(/quota/);
  });

  it('holdings count what an erase would delete, changing nothing', async () => {
    const h = store.forOwner('held');
    const a = (await h.createConversation({})).conversation.id;
    await h.appendMessages({ conversation_id: a, messages: [{ role: 'user', content: 'x' }] });
    const b = (await h.createConversation({})).conversation.id;
    await h.deleteConversation({ conversation_id: b });
    expect(await store.maintenance.holdings('held')).toEqual({
      conversations: 2,
      trashed: 1,
      messages: 1,
      bytes: 1,
      tokens: 0,
      auditEvents: 4,
    });
    expect(await store.maintenance.holdings('nobody')).toEqual({
      conversations: 0,
      trashed: 0,
      messages: 0,
      bytes: 0,
      tokens: 0,
      auditEvents: 0,
    });
  });
});

describe('token events', () => {
  it('create and revoke are audited for the token’s owner, never with the secret; a second revoke records nothing', async () => {
    const tokens = new TokenStore(database.db);
    const { secret, token } = await tokens.create({ owner: 'tok-owner', name: 'laptop', service: true });
    await tokens.revoke(token.id);
    const again = await tokens.revoke(token.id);
    expect(again.revokedAt).not.toBeNull();

    const events = (await store.maintenance.audit({ owner: 'tok-owner', limit: 10 })).events;
    expect(events.map((e) => [e.operation, e.actor_kind, e.outcome])).toEqual([
      ['token_create', 'cli', `token=${token.id},kind=service`],
      ['token_revoke', 'cli', `token=${token.id}`],
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(4));
    expect(text).not.toContain(hashSecret(secret));
  });

  it('an unknown token id records nothing', async () => {
    const tokens = new TokenStore(database.db);
    await expect(tokens.revoke('tok_nope')).rejects.toThrow(/no token tok_nope/);
    expect(
      (await store.maintenance.audit({ limit: 1000 })).events.filter((e) => e.outcome.includes('tok_nope')),
    ).toEqual([]);
  });
});
