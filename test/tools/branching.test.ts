import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
let id: string;

beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.close());

const call = (callId: string) => ({
  id: callId,
  type: 'function',
  function: { name: 'lookup', arguments: `{"q":"${callId}"}` },
});
const TURNS = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: 'hello' },
  { role: 'assistant', content: null, tool_calls: [call('c1'), call('c2')] },
  { role: 'tool', tool_call_id: 'c1', content: 'r1' },
  { role: 'tool', tool_call_id: 'c2', content: 'r2', metadata: { ms: 12 } },
  { role: 'assistant', content: 'done', name: 'bot' },
];

beforeEach(async () => {
  id = (await env.call('create_conversation', { title: 'Main', metadata: { tag: 'x' }, key: `k-${Math.random()}` }))
    .conversation.id;
  await env.call('append_messages', { conversation_id: id, messages: TURNS });
});

const history = async (conversationId: string) =>
  (await env.call('get_history', { conversation_id: conversationId, after_seq: 0, limit: 500 })).messages as Array<
    Record<string, unknown>
  >;
const strip = (messages: Array<Record<string, unknown>>) => messages.map(({ id: _id, ...m }) => m);

describe('fork_conversation', () => {
  it('copies every message by default, tool calls included, seqs and timestamps identical', async () => {
    const before = await history(id);
    const fork = await env.call('fork_conversation', { conversation_id: id });
    expect(fork).toMatchObject({
      forked_from: id,
      through_seq: 6,
      conversation: { title: 'Main (fork)', key: null, metadata: { tag: 'x' }, message_count: 6 },
    });
    const copied = await history(fork.conversation.id);
    expect(strip(copied)).toEqual(strip(before));
    expect(copied.map((m) => m.id)).not.toContain(before[0]!.id);
    expect(await history(id)).toEqual(before);
  });

  it('copies 1..through_seq, and the fork grows independently', async () => {
    const original = await env.call('get_conversation', { conversation_id: id });
    const fork = await env.call('fork_conversation', { conversation_id: id, through_seq: 3, title: 'Alt' });
    expect(fork.conversation).toMatchObject({ title: 'Alt', message_count: 3 });
    // The copied calls can be answered in the fork, and the seq continues at 4.
    const r = await env.call('append_messages', {
      conversation_id: fork.conversation.id,
      messages: [{ role: 'tool', tool_call_id: 'c1', content: 'other result' }],
    });
    expect(r.messages[0].seq).toBe(4);
    // The original is untouched, updated_at included.
    expect(await env.call('get_conversation', { conversation_id: id })).toEqual(original);
    expect((await history(id))[3]!.content).toBe('r1');
  });

  it('refuses through_seq beyond the end and an unknown conversation, creating nothing', async () => {
    const before = (await env.call('list_conversations', { limit: 100 })).conversations.length;
    expect(await env.callError('fork_conversation', { conversation_id: id, through_seq: 7 })).toMatch(
      /beyond the last message.*through_seq/s,
    );
    expect(await env.callError('fork_conversation', { conversation_id: id, through_seq: 0 })).toMatch(/through_seq/);
    expect(await env.callError('fork_conversation', { conversation_id: 'nope' })).toMatch(
      /^conversation nope not found/,
    );
    expect((await env.call('list_conversations', { limit: 100 })).conversations.length).toBe(before);
  });

  it('copies a conversation longer than one copy chunk', async () => {
    const big = (await env.call('create_conversation', {})).conversation.id;
    for (let i = 0; i < 12; i++) {
      await env.call('append_messages', {
        conversation_id: big,
        messages: Array.from({ length: 100 }, (_, k) => ({ role: 'user', content: `m${i * 100 + k + 1}` })),
      });
    }
    const fork = await env.call('fork_conversation', { conversation_id: big, through_seq: 1100 });
    const copied = await history(fork.conversation.id);
    const rest = await env.call('get_history', { conversation_id: fork.conversation.id, after_seq: 500, limit: 500 });
    const tail = await env.call('get_history', { conversation_id: fork.conversation.id, after_seq: 1000, limit: 500 });
    const all = [...copied, ...rest.messages, ...tail.messages];
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 1100 }, (_, i) => i + 1));
    expect(all.map((m) => m.content)).toEqual(Array.from({ length: 1100 }, (_, i) => `m${i + 1}`));
  });
});

describe('delete_messages', () => {
  it('rewinds: removes from_seq to the end, and the next append continues at from_seq', async () => {
    const r = await env.call('delete_messages', { conversation_id: id, from_seq: 3 });
    expect(r).toEqual({ conversation_id: id, deleted_messages: 4, message_count: 2 });
    expect((await history(id)).map((m) => m.content)).toEqual(['be brief', 'hello']);
    const next = await env.call('append_messages', {
      conversation_id: id,
      messages: [{ role: 'assistant', content: 'again' }],
    });
    expect(next.messages[0].seq).toBe(3);
    // The deleted calls are gone with their messages: their ids are free, results to them are orphans.
    expect(
      await env.callError('append_messages', {
        conversation_id: id,
        messages: [{ role: 'tool', tool_call_id: 'c1', content: 'x' }],
      }),
    ).toMatch(/does not answer/);
    await env.call('append_messages', {
      conversation_id: id,
      messages: [{ role: 'assistant', content: null, tool_calls: [call('c1')] }],
    });
  });

  it('forgets idempotency keys of removed appends, so a retry stores again', async () => {
    const batch = [{ role: 'user', content: 'retry me' }];
    const first = await env.call('append_messages', { conversation_id: id, messages: batch, idempotency_key: 'k7' });
    expect(first.messages[0].seq).toBe(7);
    await env.call('delete_messages', { conversation_id: id, from_seq: 7 });
    const again = await env.call('append_messages', { conversation_id: id, messages: batch, idempotency_key: 'k7' });
    expect(again.replayed).toBe(false);
    expect((await history(id)).at(-1)).toMatchObject({ seq: 7, content: 'retry me' });
  });

  it('refuses from_seq beyond the end or below 1, and an unknown conversation, deleting nothing', async () => {
    expect(await env.callError('delete_messages', { conversation_id: id, from_seq: 7 })).toMatch(
      /beyond the last message.*from_seq/s,
    );
    expect(await env.callError('delete_messages', { conversation_id: id, from_seq: 0 })).toMatch(/from_seq/);
    expect(await env.callError('delete_messages', { conversation_id: 'nope', from_seq: 1 })).toMatch(
      /^conversation nope not found/,
    );
    expect(await history(id)).toHaveLength(6);
  });

  it('can empty a conversation', async () => {
    expect(await env.call('delete_messages', { conversation_id: id, from_seq: 1 })).toMatchObject({
      deleted_messages: 6,
      message_count: 0,
    });
    expect(await history(id)).toEqual([]);
  });
});

describe('summaries across fork and rewind', () => {
  it('a fork keeps a summary that covers only copied messages, and drops one that does not', async () => {
    await env.call('set_summary', { conversation_id: id, summary: 'greeted, looked things up', through_seq: 5 });
    const full = await env.call('fork_conversation', { conversation_id: id });
    const short = await env.call('fork_conversation', { conversation_id: id, through_seq: 4 });
    const ctx = (cid: string) => env.call('get_context', { conversation_id: cid, max_tokens: 10_000 });
    expect((await ctx(full.conversation.id)).summary).toMatchObject({ through_seq: 5 });
    expect((await ctx(short.conversation.id)).summary).toBeNull();
  });

  it('a rewind drops a summary covering removed messages, even after new appends', async () => {
    await env.call('set_summary', { conversation_id: id, summary: 'old story', through_seq: 4 });
    await env.call('delete_messages', { conversation_id: id, from_seq: 3 });
    await env.call('append_messages', {
      conversation_id: id,
      messages: [1, 2, 3].map((n) => ({ role: 'user', content: `new ${n}` })),
    });
    const ctx = await env.call('get_context', { conversation_id: id, max_tokens: 10_000 });
    expect(ctx.summary).toBeNull();
    expect(JSON.stringify(ctx.messages)).not.toContain('old story');
  });
});
