// The trash (delete_conversation, restore_conversation, list_conversations' trash filter),
// per-conversation expiry, and the per-owner quotas with get_usage, at their edges. Both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.close());

const toolRound = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Wetter in Köln? 🌦\n\ttabs\u2028and separators' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'w1', type: 'function', function: { name: 'weather', arguments: '{ "city" : "Köln" }' } }],
  },
  { role: 'tool', tool_call_id: 'w1', content: '{"temp":7}', metadata: { source: 'api', nested: { a: [1, 2] } } },
  { role: 'assistant', content: '7 °C.', name: 'bot' },
];

async function conversationWith(e: Env, args: Record<string, unknown> = {}) {
  const { conversation } = await e.call('create_conversation', args);
  await e.call('append_messages', { conversation_id: conversation.id, messages: toolRound });
  return conversation.id as string;
}

describe('delete → restore', () => {
  it('round-trips byte-exact: every message, call, metadata and summary; the key comes back', async () => {
    const id = await conversationWith(env, { key: 'trip', title: 'Trip', metadata: { m: 1 } });
    await env.call('set_summary', { conversation_id: id, summary: 'asked about weather', through_seq: 2 });
    const exportBefore = await env.call('export_conversation', { conversation_id: id, format: 'json' });
    const historyBefore = await env.call('get_history', { conversation_id: id });

    await env.call('delete_conversation', { conversation_id: id });
    const trash = (await env.call('list_conversations', { trash: true })).conversations;
    expect(trash).toEqual([expect.objectContaining({ id, key: null, title: 'Trip', message_count: 5 })]);
    expect(trash[0].deleted_at).toBeDefined();
    expect(trash[0].purge_at).toBeDefined();

    const restored = await env.call('restore_conversation', { conversation_id: id });
    expect(restored.key_restored).toBe(true);
    expect(restored.conversation).toMatchObject({ id, key: 'trip', title: 'Trip', metadata: { m: 1 } });
    expect(restored.conversation.deleted_at).toBeUndefined();
    expect(await env.call('get_history', { conversation_id: id })).toEqual(historyBefore);
    const exportAfter = await env.call('export_conversation', { conversation_id: id, format: 'json' });
    // Restoring is activity: updated_at moves; everything else is as it was, byte for byte.
    const withoutActivity = (x: any) =>
      JSON.stringify({ ...x, data: { ...x.data, conversation: { ...x.data.conversation, updated_at: 0 } } });
    expect(withoutActivity(exportAfter)).toBe(withoutActivity(exportBefore));
    expect(await env.call('get_context', { conversation_id: id, max_tokens: 10_000 })).toMatchObject({
      summary: { through_seq: 2 },
    });
    expect((await env.call('create_conversation', { key: 'trip' })).conversation.id).toBe(id);
  });

  it('a key taken meanwhile stays with the new conversation; the restored one comes back without it', async () => {
    const id = await conversationWith(env, { key: 'shared-key' });
    await env.call('delete_conversation', { conversation_id: id });
    const newer = await env.call('create_conversation', { key: 'shared-key' });
    expect(newer.created).toBe(true);
    const restored = await env.call('restore_conversation', { conversation_id: id });
    expect(restored).toMatchObject({ key_restored: false, conversation: { id, key: null } });
    expect((await env.call('create_conversation', { key: 'shared-key' })).conversation.id).toBe(newer.conversation.id);
    // Deleting and restoring again does not bring back the lost key.
    await env.call('delete_conversation', { conversation_id: id });
    expect((await env.call('restore_conversation', { conversation_id: id })).conversation.key).toBeNull();
  });

  it('a trashed conversation is in no read: get, history, context, search, export, resources, prompts, completion, fork, writes', async () => {
    const id = await conversationWith(env, { title: 'Hidden' });
    await env.call('delete_conversation', { conversation_id: id });
    const notFound = new RegExp(`conversation ${id} not found`);
    for (const [tool, args] of [
      ['get_conversation', {}],
      ['get_history', {}],
      ['get_context', { max_tokens: 1000 }],
      ['export_conversation', { format: 'markdown' }],
      ['fork_conversation', {}],
      ['append_messages', { messages: [{ role: 'user', content: 'x' }] }],
      ['append_messages', { messages: [{ role: 'tool', tool_call_id: 'w1', content: 'x' }] }],
      ['update_conversation', { title: 'x' }],
      ['delete_messages', { from_seq: 1 }],
      ['set_summary', { summary: 's', through_seq: 1 }],
      ['search_messages', { query: 'Köln' }],
    ] as const) {
      expect(await env.callError(tool, { conversation_id: id, ...args }), tool).toMatch(notFound);
    }
    const hits = await env.call('search_messages', { query: 'Köln' });
    expect(hits.hits.map((h: any) => h.conversation_id)).not.toContain(id);
    expect((await env.call('list_conversations', { limit: 100 })).conversations.map((c: any) => c.id)).not.toContain(
      id,
    );
    expect((await env.call('list_conversations', { query: 'Hidden' })).conversations).toEqual([]);
    expect((await env.call('list_conversations', { query: 'Hidden', trash: true })).conversations).toHaveLength(1);
    await expect(env.client.readResource({ uri: `conversation://${id}` })).rejects.toThrow(/not found/);
    await expect(
      env.client.getPrompt({ name: 'resume_conversation', arguments: { conversation_id: id } }),
    ).rejects.toThrow(/not found/);
    const ref = { type: 'ref/resource' as const, uri: 'conversation://{id}' };
    const completion = await env.client.complete({ ref, argument: { name: 'id', value: id.slice(0, 30) } });
    expect(completion.completion.values).not.toContain(id);

    await env.call('restore_conversation', { conversation_id: id });
    const again = await env.call('search_messages', { query: 'Köln', conversation_id: id });
    // The user's words and the weather call's arguments.
    expect(again.hits.map((h: any) => h.seq).sort()).toEqual([2, 3]);
    // Restoring twice: the second finds nothing in the trash.
    expect(await env.callError('restore_conversation', { conversation_id: id })).toMatch(notFound);
  });

  it('lists the trash most recently deleted first, a page at a time', async () => {
    const fresh = await setup();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await conversationWith(fresh, { title: `t${i}` }));
      for (const id of ids) await fresh.call('delete_conversation', { conversation_id: id });
      const first = await fresh.call('list_conversations', { trash: true, limit: 3 });
      const second = await fresh.call('list_conversations', { trash: true, limit: 3, cursor: first.next_cursor });
      expect([...first.conversations, ...second.conversations].map((c: any) => c.id)).toEqual([...ids].reverse());
      expect(second.next_cursor).toBeNull();
      expect((await fresh.call('list_conversations', {})).conversations).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

describe('expires_at', () => {
  it('is set on create, changed or cleared on update, and validated', async () => {
    const at = '2031-05-01T10:00:00.000Z';
    const { conversation } = await env.call('create_conversation', { expires_at: '2031-05-01T12:00:00+02:00' });
    expect(conversation.expires_at).toBe(at);
    const later = await env.call('update_conversation', {
      conversation_id: conversation.id,
      expires_at: '2032-01-01T00:00:00Z',
    });
    expect(later.expires_at).toBe('2032-01-01T00:00:00.000Z');
    const cleared = await env.call('update_conversation', { conversation_id: conversation.id, expires_at: null });
    expect(cleared.expires_at).toBeUndefined();
    expect(await env.callError('create_conversation', { expires_at: 'tomorrow' })).toMatch(/expires_at/);
    expect(await env.callError('update_conversation', { conversation_id: conversation.id, expires_at: 5 })).toMatch(
      /expires_at/,
    );
  });
});

describe('quotas', () => {
  it('bytes: up to the limit is stored, one byte over is refused naming the quota, usage and limit', async () => {
    const q = await setup({ policy: { maxBytesPerOwner: 10 } });
    try {
      const { conversation } = await q.call('create_conversation', {});
      const id = conversation.id;
      await q.call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: '123456' }] });
      // The checked path (idempotency key) applies the same rule.
      const refused = await q.callError('append_messages', {
        conversation_id: id,
        messages: [{ role: 'user', content: '12345' }],
        idempotency_key: 'k',
      });
      expect(refused).toMatch(/stored bytes quota/);
      expect(refused).toMatch(/usage 6 \+ 5/);
      expect(refused).toMatch(/limit of 10/);
      const direct = await q.callError('append_messages', {
        conversation_id: id,
        messages: [{ role: 'user', content: '12345' }],
      });
      expect(direct).toBe(refused);
      expect((await q.call('get_history', { conversation_id: id })).message_count).toBe(1);
      // Exactly at the limit is allowed.
      await q.call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'abcd' }] });
      expect(await q.call('get_usage', {})).toMatchObject({ bytes: 10, max_bytes: 10, conversations: 1 });
      expect(
        await q.callError('append_messages', { conversation_id: id, messages: [{ role: 'user', content: 'x' }] }),
      ).toMatch(/limit of 10/);
      // Freeing space: a rewind returns its bytes, so does the trash.
      await q.call('delete_messages', { conversation_id: id, from_seq: 2 });
      expect((await q.call('get_usage', {})).bytes).toBe(6);
      await q.call('delete_conversation', { conversation_id: id });
      expect(await q.call('get_usage', {})).toMatchObject({ bytes: 0, conversations: 0, trash: 1 });
      // Import counts its bytes too.
      expect(
        await q.callError('import_conversation', {
          format: 'openai',
          data: [{ role: 'user', content: '12345678901' }],
        }),
      ).toMatch(/usage 0 \+ 11 for this import = 11, over the limit of 10/);
      expect((await q.call('list_conversations', {})).conversations).toEqual([]);
    } finally {
      await q.close();
    }
  });

  it('conversations: the last slot is taken, the next refused; get-or-create, trash and restore follow the count', async () => {
    const q = await setup({ policy: { maxConversationsPerOwner: 2 } });
    try {
      const a = await conversationWith(q, { key: 'a' });
      await q.call('create_conversation', { key: 'b' });
      const refused = await q.callError('create_conversation', { key: 'c' });
      expect(refused).toMatch(/conversations quota — usage 2 \+ 1 for a new conversation = 3, over the limit of 2/);
      expect(await q.callError('fork_conversation', { conversation_id: a })).toMatch(/conversations quota/);
      expect(await q.callError('import_conversation', { format: 'openai', data: [] })).toMatch(/conversations quota/);
      // Finding an existing conversation by key creates nothing: allowed at the limit.
      expect((await q.call('create_conversation', { key: 'a' })).conversation.id).toBe(a);
      await q.call('delete_conversation', { conversation_id: a });
      await q.call('create_conversation', { key: 'c' });
      expect(await q.callError('restore_conversation', { conversation_id: a })).toMatch(/restoring it/);
      expect((await q.call('list_conversations', { trash: true })).conversations).toHaveLength(1);
      expect(await q.call('get_usage', {})).toMatchObject({ conversations: 2, max_conversations: 2, trash: 1 });
    } finally {
      await q.close();
    }
  });

  it('holds under concurrent appends of one owner to different conversations', async () => {
    const q = await setup({ policy: { maxBytesPerOwner: 1000 } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await q.call('create_conversation', {})).conversation.id);
      // 40 appends of 100 bytes, 10 per conversation, all at once: exactly 10 fit.
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          q.callRaw('append_messages', {
            conversation_id: ids[i % 4],
            messages: [{ role: 'user', content: 'x'.repeat(100) }],
          }),
        ),
      );
      expect(results.filter((r) => !r.isError)).toHaveLength(10);
      expect(results.filter((r) => r.isError).every((r) => /quota/.test(JSON.stringify(r.content)))).toBe(true);
      const usage = await q.call('get_usage', {});
      let stored = 0;
      for (const id of ids) stored += (await q.call('get_history', { conversation_id: id })).messages.length;
      expect([usage.bytes, stored]).toEqual([1000, 10]);
    } finally {
      await q.close();
    }
  });

  it('usage matches what is stored after a mix of writes', async () => {
    const fresh = await setup();
    try {
      const a = await conversationWith(fresh);
      const b = await conversationWith(fresh);
      await fresh.call('fork_conversation', { conversation_id: a, through_seq: 3 });
      await fresh.call('delete_messages', { conversation_id: b, from_seq: 4 });
      await fresh.call('import_conversation', { format: 'openai', data: toolRound.slice(0, 2) });
      await fresh.call('delete_conversation', { conversation_id: a });
      // Recount from what the tools return: content, tool-call arguments, metadata as JSON.
      let bytes = 0;
      const live = (await fresh.call('list_conversations', {})).conversations;
      for (const c of live) {
        for (const m of (await fresh.call('get_history', { conversation_id: c.id })).messages) {
          bytes += Buffer.byteLength(m.content ?? '');
          for (const call of m.tool_calls ?? []) bytes += Buffer.byteLength(call.function.arguments);
          if (m.metadata !== undefined) bytes += Buffer.byteLength(JSON.stringify(m.metadata));
        }
      }
      expect(await fresh.call('get_usage', {})).toMatchObject({ conversations: live.length, bytes, trash: 1 });
    } finally {
      await fresh.close();
    }
  });
});
