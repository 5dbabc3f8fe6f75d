import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
let id: string;

beforeAll(async () => {
  env = await setup({
    limits: {
      maxContentBytes: 1000,
      maxMessagesPerCall: 5,
      maxMetadataBytes: 200,
      maxMetadataKeys: 3,
      maxBatchBytes: 3000,
    },
  });
});
afterAll(() => env.close());
beforeEach(async () => {
  id = (await env.call('create_conversation', {})).conversation.id;
});

const call = (callId: string, name = 'lookup', args = '{}') => ({
  id: callId,
  type: 'function',
  function: { name, arguments: args },
});
const append = (messages: unknown[], extra: Record<string, unknown> = {}) =>
  env.call('append_messages', { conversation_id: id, messages, ...extra });
const appendError = (messages: unknown[], extra: Record<string, unknown> = {}) =>
  env.callError('append_messages', { conversation_id: id, messages, ...extra });

/** Nothing of a rejected call may be stored. */
async function expectEmpty() {
  const history = await env.call('get_history', { conversation_id: id });
  expect(history.messages).toEqual([]);
  expect(history.message_count).toBe(0);
}

describe('append_messages', () => {
  it('assigns gapless seqs across calls and returns ids', async () => {
    const a = await append([
      { role: 'system', content: 's' },
      { role: 'user', content: 'u' },
    ]);
    const b = await append([{ role: 'assistant', content: 'a' }]);
    expect(a.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(b.messages.map((m: { seq: number }) => m.seq)).toEqual([3]);
    expect(b.message_count).toBe(3);
    expect(new Set([...a.messages, ...b.messages].map((m: { id: string }) => m.id)).size).toBe(3);
    expect(a.replayed).toBe(false);
    const conv = await env.call('get_conversation', { conversation_id: id });
    expect(conv.message_count).toBe(3);
  });

  it('bumps updated_at (last activity)', async () => {
    const before = await env.call('get_conversation', { conversation_id: id });
    await new Promise((r) => setTimeout(r, 5));
    await append([{ role: 'user', content: 'later' }]);
    const after = await env.call('get_conversation', { conversation_id: id });
    expect(after.updated_at > before.updated_at).toBe(true);
  });

  it('refuses an unknown conversation', async () => {
    expect(
      await env.callError('append_messages', { conversation_id: 'ghost', messages: [{ role: 'user', content: 'x' }] }),
    ).toMatch(/^conversation ghost not found:/);
  });

  it('refuses an unknown conversation for a batch with tool calls and results, writing nothing', async () => {
    expect(
      await env.callError('append_messages', {
        conversation_id: 'ghost',
        messages: [
          { role: 'assistant', content: null, tool_calls: [call('g1')] },
          { role: 'tool', tool_call_id: 'g1', content: 'r' },
        ],
      }),
    ).toMatch(/^conversation ghost not found:/);
    // The call id was not kept anywhere: the real conversation may still use it.
    const r = await env.call('append_messages', {
      conversation_id: id,
      messages: [{ role: 'assistant', content: null, tool_calls: [call('g1')] }],
    });
    expect(r.messages).toHaveLength(1);
  });

  it('leaves no gap after an append the database refused (a call id used before)', async () => {
    const first = await append([{ role: 'assistant', content: null, tool_calls: [call('once')] }]);
    await appendError([
      { role: 'user', content: 'before the repeat' },
      { role: 'assistant', content: null, tool_calls: [call('once')] },
    ]);
    const next = await append([{ role: 'user', content: 'next' }]);
    expect(next.messages[0].seq).toBe(first.messages[0].seq + 1);
    expect(next.message_count).toBe(first.message_count + 1);
  });

  it('refuses a bad role, naming the field', async () => {
    expect(
      await appendError([
        { role: 'user', content: 'ok' },
        { role: 'robot', content: 'x' },
      ]),
    ).toMatch(/messages\[1\]\.role/);
    await expectEmpty();
  });

  it('refuses tool_calls on a non-assistant message', async () => {
    expect(await appendError([{ role: 'user', content: 'x', tool_calls: [call('c1')] }])).toMatch(
      /tool_calls are only allowed on assistant messages.*messages\[0\]\.tool_calls/s,
    );
    await expectEmpty();
  });

  it('requires tool_call_id on a tool message and allows it nowhere else', async () => {
    expect(await appendError([{ role: 'tool', content: 'result' }])).toMatch(
      /tool_call_id is required.*messages\[0\]\.tool_call_id/s,
    );
    expect(await appendError([{ role: 'user', content: 'x', tool_call_id: 'c1' }])).toMatch(
      /only allowed on tool messages/,
    );
    await expectEmpty();
  });

  it('refuses a tool result that answers no earlier call (orphan)', async () => {
    await append([{ role: 'assistant', content: null, tool_calls: [call('c1')] }]);
    const text = await appendError([
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      { role: 'tool', tool_call_id: 'c-unknown', content: 'orphan' },
    ]);
    expect(text).toMatch(/"c-unknown" does not answer any tool call.*messages\[1\]\.tool_call_id/s);
    // The valid first message of the rejected batch was not stored either.
    expect((await env.call('get_history', { conversation_id: id })).message_count).toBe(1);
  });

  it('accepts a result answering a call made earlier in the same batch, or in an earlier call', async () => {
    await append([
      { role: 'assistant', content: '', tool_calls: [call('a'), call('b')] },
      { role: 'tool', tool_call_id: 'b', content: 'B' },
    ]);
    const r = await append([{ role: 'tool', tool_call_id: 'a', content: 'A' }]);
    expect(r.messages[0].seq).toBe(3);
  });

  it('refuses a result placed before its call in the same batch', async () => {
    expect(
      await appendError([
        { role: 'tool', tool_call_id: 'late', content: 'too early' },
        { role: 'assistant', content: null, tool_calls: [call('late')] },
      ]),
    ).toMatch(/made later, by messages\[1\].*messages\[0\]\.tool_call_id/s);
    await expectEmpty();
  });

  it('refuses a call id that repeats, within a batch or across the conversation', async () => {
    expect(
      await appendError([
        { role: 'assistant', content: null, tool_calls: [call('dup')] },
        { role: 'assistant', content: null, tool_calls: [call('x'), call('dup')] },
      ]),
    ).toMatch(/"dup" repeats.*messages\[1\]\.tool_calls\[1\]\.id/s);
    await expectEmpty();
    await append([{ role: 'assistant', content: null, tool_calls: [call('dup')] }]);
    expect(await appendError([{ role: 'assistant', content: null, tool_calls: [call('dup')] }])).toMatch(
      /already used in this conversation.*messages\[0\]\.tool_calls\[0\]\.id/s,
    );
  });

  it('allows the same call id in two different conversations', async () => {
    await append([{ role: 'assistant', content: null, tool_calls: [call('shared')] }]);
    const other = (await env.call('create_conversation', {})).conversation.id;
    const r = await env.call('append_messages', {
      conversation_id: other,
      messages: [{ role: 'assistant', content: null, tool_calls: [call('shared')] }],
    });
    expect(r.messages).toHaveLength(1);
    // ...but a result in the other conversation cannot answer this conversation's call.
    const third = (await env.call('create_conversation', {})).conversation.id;
    expect(
      await env.callError('append_messages', {
        conversation_id: third,
        messages: [{ role: 'tool', tool_call_id: 'shared', content: 'x' }],
      }),
    ).toMatch(/does not answer/);
  });

  it('allows null or empty content only on an assistant message with tool_calls', async () => {
    expect(await appendError([{ role: 'assistant', content: null }])).toMatch(
      /content is required.*messages\[0\]\.content/s,
    );
    expect(await appendError([{ role: 'user', content: '' }])).toMatch(/messages\[0\]\.content/);
    expect(await appendError([{ role: 'user' }])).toMatch(/messages\[0\]\.content/);
    expect(await appendError([{ role: 'tool', tool_call_id: 'x', content: null }])).toMatch(/messages\[0\]\.content/);
    await expectEmpty();
    const r = await append([
      { role: 'assistant', content: null, tool_calls: [call('n1')] },
      { role: 'assistant', content: '', tool_calls: [call('n2')] },
      { role: 'assistant', tool_calls: [call('n3')] },
    ]);
    expect(r.messages).toHaveLength(3);
  });

  it('refuses malformed tool calls, naming the field', async () => {
    expect(
      await appendError([
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'code', function: { name: 'f', arguments: '{}' } }],
        },
      ]),
    ).toMatch(/messages\[0\]\.tool_calls\[0\]\.type/);
    expect(
      await appendError([
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
        },
      ]),
    ).toMatch(/messages\[0\]\.tool_calls\[0\]\.function\.arguments/);
    expect(await appendError([{ role: 'assistant', content: null, tool_calls: [] }])).toMatch(
      /messages\[0\]\.tool_calls/,
    );
    await expectEmpty();
  });

  it('refuses over-limit content, message count, metadata and batch size, storing nothing', async () => {
    expect(await appendError([{ role: 'user', content: 'x'.repeat(1001) }])).toMatch(
      /1000 UTF-8 bytes.*messages\[0\]\.content/s,
    );
    // Bytes, not characters: 334 three-byte characters are 1002 bytes.
    expect(await appendError([{ role: 'user', content: '€'.repeat(334) }])).toMatch(/messages\[0\]\.content/);
    expect(await appendError(Array.from({ length: 6 }, () => ({ role: 'user', content: 'x' })))).toMatch(
      /at most 5 messages.*messages/s,
    );
    expect(await appendError([{ role: 'user', content: 'x', metadata: { a: 1, b: 2, c: 3, d: 4 } }])).toMatch(
      /4 keys.*messages\[0\]\.metadata/s,
    );
    expect(await appendError([{ role: 'user', content: 'x', metadata: { a: 'y'.repeat(300) } }])).toMatch(
      /200 bytes.*messages\[0\]\.metadata/s,
    );
    expect(await appendError(Array.from({ length: 4 }, () => ({ role: 'user', content: 'z'.repeat(900) })))).toMatch(
      /3000 per call/,
    );
    expect(
      await appendError([{ role: 'assistant', content: null, tool_calls: [call('big', 'f', 'a'.repeat(1001))] }]),
    ).toMatch(/messages\[0\]\.tool_calls\[0\]\.function\.arguments/);
    await expectEmpty();
    // At the limits exactly, it is accepted.
    const r = await append([{ role: 'user', content: 'x'.repeat(1000), metadata: { a: 1, b: 2, c: 3 } }]);
    expect(r.messages).toHaveLength(1);
  });

  it('refuses text that cannot be stored exactly (lone surrogates)', async () => {
    expect(await appendError([{ role: 'user', content: 'bad \ud800 half' }])).toMatch(
      /valid Unicode.*messages\[0\]\.content/s,
    );
    await expectEmpty();
  });

  it('refuses an empty batch and unknown message fields', async () => {
    expect(await appendError([])).toMatch(/at least one message/);
    expect(await appendError([{ role: 'user', content: 'x', toolCallId: 'c' }])).toMatch(/toolCallId/);
    await expectEmpty();
  });
});

describe('append_messages idempotency', () => {
  const batch = [
    { role: 'user', content: 'once' },
    { role: 'assistant', content: 'only once' },
  ];

  it('a retry with the same key returns the first result and stores nothing new', async () => {
    const first = await append(batch, { idempotency_key: 'req-1' });
    const retry = await append(batch, { idempotency_key: 'req-1' });
    expect(retry).toEqual({ ...first, replayed: true });
    const history = await env.call('get_history', { conversation_id: id });
    expect(history.messages.map((m: { content: string }) => m.content)).toEqual(['once', 'only once']);
    expect(history.message_count).toBe(2);
    // A new key appends again.
    const next = await append(batch, { idempotency_key: 'req-2' });
    expect(next.messages.map((m: { seq: number }) => m.seq)).toEqual([3, 4]);
  });

  it('concurrent retries with the same key store the batch once', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => append(batch, { idempotency_key: 'burst' })));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => JSON.stringify(r.messages))).size).toBe(1);
    expect((await env.call('get_conversation', { conversation_id: id })).message_count).toBe(2);
  });

  it('refuses a reused key with different messages', async () => {
    await append(batch, { idempotency_key: 'k' });
    expect(await appendError([{ role: 'user', content: 'different' }], { idempotency_key: 'k' })).toMatch(
      /idempotency_key "k" was already used for different messages/,
    );
    expect((await env.call('get_conversation', { conversation_id: id })).message_count).toBe(2);
  });

  it('scopes keys to the conversation', async () => {
    await append(batch, { idempotency_key: 'same' });
    const other = (await env.call('create_conversation', {})).conversation.id;
    const r = await env.call('append_messages', { conversation_id: other, messages: batch, idempotency_key: 'same' });
    expect(r.replayed).toBe(false);
  });
});
