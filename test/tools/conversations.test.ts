import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.close());

describe('create_conversation', () => {
  it('creates a conversation with title and metadata', async () => {
    const r = await env.call('create_conversation', { title: 'Trip planning', metadata: { project: 'x', n: 1 } });
    expect(r.created).toBe(true);
    expect(r.conversation).toMatchObject({
      key: null,
      title: 'Trip planning',
      metadata: { project: 'x', n: 1 },
      message_count: 0,
    });
    expect(r.conversation.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.conversation.created_at).toBe(r.conversation.updated_at);
  });

  it('is get-or-create with a key: the second call returns the first conversation unchanged', async () => {
    const first = await env.call('create_conversation', { key: 'session-42', title: 'First' });
    const second = await env.call('create_conversation', { key: 'session-42', title: 'Other title' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.conversation).toEqual(first.conversation);
  });

  it('without a key always creates a new one', async () => {
    const a = await env.call('create_conversation', {});
    const b = await env.call('create_conversation', {});
    expect(a.conversation.id).not.toBe(b.conversation.id);
  });

  it('concurrent get-or-create with one key yields one conversation', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => env.call('create_conversation', { key: 'race' })),
    );
    expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('rejects unknown fields and bad types, naming the field', async () => {
    expect(await env.callError('create_conversation', { titel: 'typo' })).toMatch(/titel/);
    expect(await env.callError('create_conversation', { title: 5 })).toMatch(/title/);
    expect(await env.callError('create_conversation', { metadata: [1, 2] })).toMatch(/metadata/);
    expect(await env.callError('create_conversation', { key: '' })).toMatch(/key/);
  });
});

describe('get_conversation', () => {
  it('returns the stored fields', async () => {
    const { conversation } = await env.call('create_conversation', {
      title: 'T',
      key: 'g1',
      metadata: { a: [1, { b: null }] },
    });
    const got = await env.call('get_conversation', { conversation_id: conversation.id });
    expect(got).toEqual(conversation);
  });

  it('reports an unknown id as not found', async () => {
    const text = await env.callError('get_conversation', { conversation_id: 'nope' });
    expect(text).toMatch(/^conversation nope not found:/);
  });
});

describe('update_conversation', () => {
  it('changes title and metadata, keeps omitted fields, clears with null', async () => {
    const { conversation } = await env.call('create_conversation', { title: 'Old', metadata: { v: 1 } });
    const renamed = await env.call('update_conversation', { conversation_id: conversation.id, title: 'New' });
    expect(renamed).toMatchObject({ title: 'New', metadata: { v: 1 } });
    expect(renamed.updated_at >= conversation.updated_at).toBe(true);
    const cleared = await env.call('update_conversation', { conversation_id: conversation.id, metadata: null });
    expect(cleared).toMatchObject({ title: 'New', metadata: null });
    expect(await env.call('get_conversation', { conversation_id: conversation.id })).toEqual(cleared);
  });

  it('reports an unknown id as not found', async () => {
    expect(await env.callError('update_conversation', { conversation_id: 'missing', title: 'x' })).toMatch(
      /^conversation missing not found:/,
    );
  });
});

describe('delete_conversation', () => {
  it('moves the conversation to the trash: gone from every read, its key free, restorable', async () => {
    const { conversation } = await env.call('create_conversation', { key: 'to-delete' });
    await env.call('append_messages', {
      conversation_id: conversation.id,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const before = Date.now();
    const deleted = await env.call('delete_conversation', { conversation_id: conversation.id });
    expect(deleted).toMatchObject({ conversation_id: conversation.id, deleted_messages: 1 });
    // Default window: 7 days.
    const purgeIn = Date.parse(deleted.purge_at) - before;
    expect(purgeIn).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    expect(purgeIn).toBeLessThanOrEqual(7 * 86_400_000 + 1000);
    expect(await env.callError('get_history', { conversation_id: conversation.id })).toMatch(/not found/);
    expect(await env.callError('delete_conversation', { conversation_id: conversation.id })).toMatch(/not found/);
    // The key is free again: get-or-create makes a new conversation.
    const again = await env.call('create_conversation', { key: 'to-delete' });
    expect(again.created).toBe(true);
    expect(again.conversation.id).not.toBe(conversation.id);
  });
});

describe('delete_conversation with a trash window of 0', () => {
  it('removes the conversation, its messages and tool calls at once', async () => {
    const now = await setup({ policy: { trashDays: 0 } });
    try {
      const { conversation } = await now.call('create_conversation', { key: 'to-delete' });
      await now.call('append_messages', {
        conversation_id: conversation.id,
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'done' },
        ],
      });
      const deleted = await now.call('delete_conversation', { conversation_id: conversation.id });
      expect(deleted).toEqual({ conversation_id: conversation.id, deleted_messages: 3, purge_at: null });
      const rows = await now.database.db.message.count({ where: { conversationId: conversation.id } });
      const calls = await now.database.db.toolCall.count({ where: { conversationId: conversation.id } });
      const left = await now.database.db.conversation.count({ where: { id: conversation.id } });
      expect([rows, calls, left]).toEqual([0, 0, 0]);
      expect((await now.call('list_conversations', { trash: true })).conversations).toEqual([]);
      expect(await now.callError('restore_conversation', { conversation_id: conversation.id })).toMatch(/not found/);
    } finally {
      await now.close();
    }
  });
});

describe('list_conversations', () => {
  it('pages through every conversation once, most recent activity first', async () => {
    const fresh = await setup();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++)
        ids.push((await fresh.call('create_conversation', { title: `c${i}` })).conversation.id);
      // Activity on the oldest moves it to the front.
      await fresh.call('append_messages', { conversation_id: ids[0], messages: [{ role: 'user', content: 'bump' }] });
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await fresh.call('list_conversations', { limit: 3, ...(cursor && { cursor }) });
        seen.push(...page.conversations.map((c: { id: string }) => c.id));
        cursor = page.next_cursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([ids[0], ...ids.slice(1).reverse()]);
      const first = await fresh.call('list_conversations', {});
      expect(first.conversations).toHaveLength(7);
      expect(first.next_cursor).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('rejects a forged cursor and out-of-range limits', async () => {
    expect(await env.callError('list_conversations', { cursor: 'not-a-cursor' })).toMatch(/cursor is not valid/);
    expect(await env.callError('list_conversations', { limit: 0 })).toMatch(/limit/);
    expect(await env.callError('list_conversations', { limit: 101 })).toMatch(/limit/);
    expect(await env.callError('list_conversations', { limit: 2.5 })).toMatch(/limit/);
  });
});
