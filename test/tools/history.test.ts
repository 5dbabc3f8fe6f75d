import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_RESERVE } from '../../src/history/core/response-budget.js';
import type { HistoryPageView } from '../../src/history/messages/schemas.js';
import { setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
beforeAll(async () => {
  env = await setup({ limits: { maxBatchBytes: 2500, maxContentBytes: 1000 } });
});
afterAll(() => env.close());

async function conversationWith(n: number): Promise<string> {
  const id = (await env.call('create_conversation', {})).conversation.id;
  for (let i = 1; i <= n; i += 50) {
    const size = Math.min(50, n - i + 1);
    await env.call('append_messages', {
      conversation_id: id,
      messages: Array.from({ length: size }, (_, k) => ({ role: 'user', content: `m${i + k}` })),
    });
  }
  return id;
}
const seqs = (page: { messages: Array<{ seq: number }> }) => page.messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('get_history', () => {
  it('returns the last 50 by default, in seq order', async () => {
    const id = await conversationWith(120);
    const page = await env.call('get_history', { conversation_id: id });
    expect(seqs(page)).toEqual(range(71, 120));
    expect(page.messages[0].content).toBe('m71');
    expect(page).toMatchObject({ message_count: 120, has_more_before: true, has_more_after: false });
  });

  it('pages backwards with before_seq and forwards with after_seq', async () => {
    const id = await conversationWith(25);
    const last = await env.call('get_history', { conversation_id: id, limit: 10 });
    expect(seqs(last)).toEqual(range(16, 25));
    const older = await env.call('get_history', { conversation_id: id, limit: 10, before_seq: 16 });
    expect(seqs(older)).toEqual(range(6, 15));
    expect(older).toMatchObject({ has_more_before: true, has_more_after: true });
    const oldest = await env.call('get_history', { conversation_id: id, limit: 10, before_seq: 6 });
    expect(seqs(oldest)).toEqual(range(1, 5));
    expect(oldest.has_more_before).toBe(false);

    const start = await env.call('get_history', { conversation_id: id, limit: 10, after_seq: 0 });
    expect(seqs(start)).toEqual(range(1, 10));
    expect(start).toMatchObject({ has_more_before: false, has_more_after: true });
    const end = await env.call('get_history', { conversation_id: id, limit: 10, after_seq: 20 });
    expect(seqs(end)).toEqual(range(21, 25));
    expect(end.has_more_after).toBe(false);
    const past = await env.call('get_history', { conversation_id: id, after_seq: 25 });
    expect(past).toMatchObject({ messages: [], has_more_before: true, has_more_after: false });
  });

  it('walks a whole conversation forwards, each message exactly once', async () => {
    const id = await conversationWith(37);
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = await env.call('get_history', { conversation_id: id, limit: 8, after_seq: after });
      seen.push(...seqs(page));
      if (!page.has_more_after) break;
      after = page.messages.at(-1).seq;
    }
    expect(seen).toEqual(range(1, 37));
  });

  it('handles an empty conversation', async () => {
    const id = (await env.call('create_conversation', {})).conversation.id;
    expect(await env.call('get_history', { conversation_id: id })).toEqual({
      conversation_id: id,
      messages: [],
      message_count: 0,
      has_more_before: false,
      has_more_after: false,
    });
  });

  it('stops a page at the response budget, keeping the nearest to the anchor, and says more remain', async () => {
    // Room for two of these messages (each counted as JSON and again as its text block), not three.
    const small = await setup({ limits: { maxResponseBytes: RESPONSE_RESERVE + 5000 } });
    try {
      const id = (await small.call('create_conversation', {})).conversation.id;
      for (let i = 1; i <= 4; i++) {
        await small.call('append_messages', {
          conversation_id: id,
          messages: [{ role: 'user', content: String(i).repeat(900) }],
        });
      }
      const raw = await small.callRaw('get_history', { conversation_id: id });
      const page = raw.structuredContent as HistoryPageView;
      expect(seqs(page)).toEqual([3, 4]);
      expect(page.has_more_before).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(raw))).toBeLessThanOrEqual(RESPONSE_RESERVE + 5000);
      const forward = await small.call('get_history', { conversation_id: id, after_seq: 0 });
      expect(seqs(forward)).toEqual([1, 2]);
      expect(forward.has_more_after).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('counts escapes: a page of control characters holds a sixth of the plain text a page holds', async () => {
    const small = await setup({ limits: { maxResponseBytes: RESPONSE_RESERVE + 20_000 } });
    try {
      const plain = (await small.call('create_conversation', {})).conversation.id;
      const escaped = (await small.call('create_conversation', {})).conversation.id;
      const many = (c: string) => Array.from({ length: 20 }, () => ({ role: 'user', content: c.repeat(500) }));
      await small.call('append_messages', { conversation_id: plain, messages: many('a') });
      await small.call('append_messages', { conversation_id: escaped, messages: many('\u0001') });
      const a = await small.callRaw('get_history', { conversation_id: plain });
      const b = await small.callRaw('get_history', { conversation_id: escaped });
      const count = (r: typeof a) => (r.structuredContent as HistoryPageView).messages.length;
      expect(count(a)).toBeGreaterThanOrEqual(5 * count(b));
      expect(count(b)).toBeGreaterThanOrEqual(1);
      for (const r of [a, b])
        expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThanOrEqual(RESPONSE_RESERVE + 20_000);
    } finally {
      await small.close();
    }
  });

  it('validates its arguments, naming the field', async () => {
    const id = await conversationWith(1);
    expect(await env.callError('get_history', { conversation_id: id, limit: 501 })).toMatch(/limit/);
    expect(await env.callError('get_history', { conversation_id: id, limit: 0 })).toMatch(/limit/);
    expect(await env.callError('get_history', { conversation_id: id, before_seq: -1 })).toMatch(/before_seq/);
    expect(await env.callError('get_history', { conversation_id: id, before_seq: 5, after_seq: 1 })).toMatch(
      /after_seq/,
    );
    expect(await env.callError('get_history', { conversation_id: 'nope' })).toMatch(/^conversation nope not found:/);
  });
});

describe('seq inputs beyond any possible seq', () => {
  it('are refused naming the field, the same on every backend (seq is a 32-bit column)', async () => {
    const id = await conversationWith(2);
    const huge = 2 ** 31;
    for (const [tool, args, field] of [
      ['get_history', { after_seq: huge }, 'after_seq'],
      ['get_history', { before_seq: Number.MAX_SAFE_INTEGER }, 'before_seq'],
      ['delete_messages', { from_seq: huge }, 'from_seq'],
      ['fork_conversation', { through_seq: huge }, 'through_seq'],
      ['set_summary', { through_seq: huge, summary: 's' }, 'through_seq'],
    ] as const) {
      expect(await env.callError(tool, { conversation_id: id, ...args }), tool).toMatch(
        new RegExp(`at most 2147483647.*${field}`),
      );
    }
    // The largest allowed value is an ordinary miss.
    expect((await env.call('get_history', { conversation_id: id, after_seq: 2 ** 31 - 1 })).messages).toEqual([]);
    expect((await env.call('get_history', { conversation_id: id })).messages).toHaveLength(2);
  });
});
