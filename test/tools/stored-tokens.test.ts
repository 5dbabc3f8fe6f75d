// get_context keeps each message's token count (messages.tokens_o200k) once it has counted it
// whole, and set_summary keeps the summary's: later calls add stored numbers instead of
// tokenizing again. These tests read and tamper with the stored numbers directly, so they fail
// if a call recounts instead of using them, stores a partial count, or loses the estimate flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContextView } from '../../src/history/context/schemas.js';
import { type CountText, loadTokenCounter, messageTokens } from '../../src/history/context/tokens.js';
import type { HistoryPageView } from '../../src/history/messages/schemas.js';
import { setup } from '../support/harness.js';

let env: Awaited<ReturnType<typeof setup>>;
let count: CountText;

beforeAll(async () => {
  env = await setup();
  count = await loadTokenCounter();
});
afterAll(() => env.close());

async function conversation(messages: unknown[]): Promise<string> {
  const id = (await env.call('create_conversation', {})).conversation.id as string;
  await env.call('append_messages', { conversation_id: id, messages });
  return id;
}

interface StoredRow {
  id: string;
  seq: number | bigint;
  tokens: number | bigint | null;
  estimated: boolean | number | bigint | null;
}

async function stored(conversationId: string): Promise<Map<number, { tokens: number | null; estimated: boolean }>> {
  const rows = await env.database.db.$queryRaw<StoredRow[]>`
    SELECT id, seq, tokens_o200k AS tokens, tokens_o200k_estimated AS estimated
    FROM messages WHERE conversation_id = ${conversationId} ORDER BY seq`;
  return new Map(
    rows.map((r) => [
      Number(r.seq),
      { tokens: r.tokens === null ? null : Number(r.tokens), estimated: Boolean(r.estimated) },
    ]),
  );
}

const context = (id: string, max_tokens: number, extra: Record<string, unknown> = {}) =>
  env.call<ContextView>('get_context', { conversation_id: id, max_tokens, ...extra });

const round = (k: number) => [
  { role: 'user', content: `question ${k}: what is the weather in Paris, and should I take an umbrella?` },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: `c${k}`, type: 'function', function: { name: 'weather', arguments: `{"city":"Paris","k":${k}}` } },
    ],
  },
  { role: 'tool', tool_call_id: `c${k}`, content: `{"temp": ${k}, "rain": true}` },
  { role: 'assistant', content: `It is ${k} degrees and raining: take the umbrella. 🌧️`, name: 'forecaster' },
];

describe('stored token counts', () => {
  it('stores every message counted whole, equal to counting it, and answers the same from them', async () => {
    const id = await conversation([
      { role: 'system', content: 'You are a helpful assistant.' },
      ...[1, 2, 3, 4, 5].flatMap(round),
    ]);
    expect([...(await stored(id)).values()].every((s) => s.tokens === null)).toBe(true);

    const first = await context(id, 100_000);
    expect(first.messages).toHaveLength(21);
    const kept = await stored(id);
    const all = (await env.call<HistoryPageView>('get_history', { conversation_id: id, limit: 100 })).messages;
    for (const m of all) {
      expect(kept.get(m.seq), `seq ${m.seq}`).toEqual({ tokens: messageTokens(count, m), estimated: false });
    }

    const second = await context(id, 100_000);
    expect(second).toEqual(first);
  });

  it('adds the stored number rather than counting again', async () => {
    const id = await conversation([1, 2].flatMap(round));
    const fresh = await context(id, 4000);
    expect(fresh.messages).toHaveLength(8);
    // Make the newest message "cost" more than the budget: only a call that uses the stored
    // number leaves it out (and with it, the whole window: it is a suffix).
    await env.database.db
      .$executeRaw`UPDATE messages SET tokens_o200k = 5000 WHERE conversation_id = ${id} AND seq = 8`;
    const tampered = await context(id, 4000);
    expect(tampered.messages).toHaveLength(0);
    expect(tampered.stopped_by).toBe('tokens');
  });

  it('does not store a count it stopped early, and stores it once a call counts it whole', async () => {
    const id = await conversation([
      { role: 'user', content: 'word '.repeat(1500) },
      { role: 'assistant', content: 'a short answer' },
    ]);
    const small = await context(id, 200);
    expect(small.messages.map((m) => m.seq)).toEqual([2]);
    let kept = await stored(id);
    expect(kept.get(1)?.tokens).toBeNull(); // counted only as far as the budget: not a count to keep
    expect(kept.get(2)?.tokens).toBeGreaterThan(0);

    const large = await context(id, 10_000);
    expect(large.messages.map((m) => m.seq)).toEqual([1, 2]);
    kept = await stored(id);
    expect(kept.get(1)?.tokens).toBe(large.total_tokens - kept.get(2)!.tokens! - 3);
  });

  it('keeps the estimate flag with the number', async () => {
    const id = await conversation([{ role: 'user', content: `see ${'x'.repeat(3000)} end` }]);
    const first = await context(id, 10_000);
    expect(first.tokens_estimated).toBe(true);
    expect((await stored(id)).get(1)?.estimated).toBe(true);
    const second = await context(id, 10_000);
    expect(second.tokens_estimated).toBe(true);
    expect(second.total_tokens).toBe(first.total_tokens);
  });

  it("uses the summary's count stored by set_summary", async () => {
    const id = await conversation([1, 2, 3].flatMap(round));
    const set = await env.call<{ tokens: number }>('set_summary', {
      conversation_id: id,
      through_seq: 8,
      summary: 'Two rounds of weather questions about Paris; it rained both times.',
    });
    const withSummary = await context(id, 4000);
    const rows = await env.database.db.$queryRaw<Array<{ tokens: number | bigint }>>`
      SELECT tokens_o200k AS tokens FROM summaries WHERE conversation_id = ${id}`;
    expect(Number(rows[0]?.tokens)).toBe(set.tokens);

    await env.database.db
      .$executeRaw`UPDATE summaries SET tokens_o200k = ${set.tokens + 100} WHERE conversation_id = ${id}`;
    const tampered = await context(id, 4000);
    expect(tampered.total_tokens).toBe(withSummary.total_tokens + 100);
  });
});
