import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { appendInputSchema } from '../../src/history/messages/schemas.js';
import { setup } from '../support/harness.js';

/**
 * A retry of append_messages with the same idempotency_key replays when it would store the
 * same thing, however it is spelled (metadata key order, content omitted or null), and is a
 * conflict when it would store something else. Records written before the canonical hash
 * existed keep replaying identical retries.
 */
type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
let keys = 0;

beforeAll(async () => {
  env = await setup();
});
afterAll(() => env?.close());

async function conversation(): Promise<string> {
  return (await env.call('create_conversation', {})).conversation.id;
}

const calls = [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"b":1,"a":2}' } }];

describe('append_messages: a retry is compared by what it stores', () => {
  it('replays a retry whose metadata keys come in another order, at any depth', async () => {
    const id = await conversation();
    const key = `k${++keys}`;
    const first = await env.call('append_messages', {
      conversation_id: id,
      idempotency_key: key,
      messages: [
        {
          role: 'user',
          content: 'hi',
          metadata: { b: 1, a: { y: [1, { q: 1, p: 2 }], x: null }, é: 'e', '10': 1, '9': 2 },
        },
      ],
    });
    const retry = await env.call('append_messages', {
      conversation_id: id,
      idempotency_key: key,
      messages: [
        {
          metadata: { '9': 2, é: 'e', a: { x: null, y: [1, { p: 2, q: 1 }] }, '10': 1, b: 1 },
          content: 'hi',
          role: 'user',
        },
      ],
    });
    expect(retry).toEqual({ ...first, replayed: true });
    expect((await env.call('get_conversation', { conversation_id: id })).message_count).toBe(1);
  });

  it('replays a retry that omits content where the first sent null, and the other way round', async () => {
    const id = await conversation();
    const withNull = [{ role: 'assistant', content: null, tool_calls: calls }];
    const omitted = [{ role: 'assistant', tool_calls: calls }];
    const first = await env.call('append_messages', {
      conversation_id: id,
      idempotency_key: 'null-first',
      messages: withNull,
    });
    expect(
      await env.call('append_messages', { conversation_id: id, idempotency_key: 'null-first', messages: omitted }),
    ).toEqual({ ...first, replayed: true });

    const other = await conversation();
    const second = await env.call('append_messages', {
      conversation_id: other,
      idempotency_key: 'omitted-first',
      messages: omitted,
    });
    expect(
      await env.call('append_messages', {
        conversation_id: other,
        idempotency_key: 'omitted-first',
        messages: withNull,
      }),
    ).toEqual({ ...second, replayed: true });
  });

  it('still calls a retry that would store something else a conflict', async () => {
    const id = await conversation();
    await env.call('append_messages', {
      conversation_id: id,
      idempotency_key: 'orig',
      messages: [{ role: 'assistant', content: null, tool_calls: calls, metadata: { a: 1 } }],
    });
    const variants = [
      [{ role: 'assistant', content: '', tool_calls: calls, metadata: { a: 1 } }], // "" is stored as "", not null
      [{ role: 'assistant', content: null, tool_calls: calls }], // no metadata is not { a: 1 }
      [{ role: 'assistant', content: null, tool_calls: calls, metadata: { a: 1, b: null } }],
      [{ role: 'assistant', content: null, tool_calls: calls, metadata: { a: '1' } }],
      [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ ...calls[0]!, function: { name: 'f', arguments: '{"a":2,"b":1}' } }],
          metadata: { a: 1 },
        },
      ],
    ];
    for (const messages of variants) {
      expect(
        await env.callError('append_messages', { conversation_id: id, idempotency_key: 'orig', messages }),
        JSON.stringify(messages),
      ).toMatch(/idempotency_key "orig" was already used for different messages/);
    }
    expect((await env.call('get_conversation', { conversation_id: id })).message_count).toBe(1);
  });

  it('keeps replaying identical retries of records stored with the earlier hash', async () => {
    const id = await conversation();
    const args = {
      conversation_id: id,
      idempotency_key: 'legacy',
      messages: [{ role: 'user', content: 'old', metadata: { b: 1, a: 2 } }],
    };
    const first = await env.call('append_messages', args);
    // The record as the earlier version wrote it: sha256 of the messages as parsed.
    const parsed = appendInputSchema(DEFAULT_LIMITS).parse(args).messages;
    const legacy = createHash('sha256').update(JSON.stringify(parsed)).digest('hex');
    const where = { conversationId_key: { conversationId: id, key: 'legacy' } };
    expect((await env.database.db.idempotencyKey.findUniqueOrThrow({ where })).requestHash).toMatch(
      /^c1:[0-9a-f]{64}$/,
    );
    await env.database.db.idempotencyKey.update({ where, data: { requestHash: legacy } });

    expect(await env.call('append_messages', args)).toEqual({ ...first, replayed: true });
    const other = { ...args, messages: [{ role: 'user', content: 'new' }] };
    expect(await env.callError('append_messages', other)).toMatch(
      /idempotency_key "legacy" was already used for different messages/,
    );
    expect((await env.call('get_conversation', { conversation_id: id })).message_count).toBe(1);
  });
});
