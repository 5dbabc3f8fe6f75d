import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContextView } from '../../src/history/context/schemas.js';
import { dropSummariesFrom } from '../../src/history/context/summary.js';
import {
  type CountableMessage,
  type CountText,
  loadTokenCounter,
  messageTokens,
  REPLY_PRIMER_TOKENS,
} from '../../src/history/context/tokens.js';
import { RESPONSE_RESERVE } from '../../src/history/core/response-budget.js';
import type { HistoryPageView, MessageView } from '../../src/history/messages/schemas.js';
import { type Connected, connect, setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;

/** A message as the token formula reads it (get_history's and get_context's both are one), with its seq. */
type Msg = CountableMessage & { seq: number };

let env: Env;
let count: CountText;

beforeAll(async () => {
  env = await setup({ limits: { maxContentBytes: 2000 } });
  count = await loadTokenCounter();
});
afterAll(() => env.close());

const call = (id: string, name = 'lookup', args = `{"q":"${id}"}`) => ({
  id,
  type: 'function',
  function: { name, arguments: args },
});
const tool = (id: string, content: string) => ({ role: 'tool', tool_call_id: id, content });

async function conversation(messages: unknown[]): Promise<string> {
  const id = (await env.call('create_conversation', {})).conversation.id as string;
  for (let i = 0; i < messages.length; i += 100) {
    await env.call('append_messages', { conversation_id: id, messages: messages.slice(i, i + 100) });
  }
  return id;
}

/** The whole conversation, oldest first, via get_history. */
async function history(id: string): Promise<MessageView[]> {
  const all: MessageView[] = [];
  for (let after = 0; ; ) {
    const page = await env.call<HistoryPageView>('get_history', { conversation_id: id, after_seq: after, limit: 500 });
    all.push(...page.messages);
    if (!page.has_more_after) return all;
    after = page.messages.at(-1)!.seq;
  }
}

/**
 * A cut before seq k is valid when no tool result at or after k answers a call made before k:
 * the brute-force definition the server's incremental rule must agree with.
 */
function validCut(all: Msg[], k: number): boolean {
  const callSeq = new Map<string, number>();
  for (const m of all) for (const c of m.tool_calls ?? []) callSeq.set(c.id, m.seq);
  return all.every((m) => m.seq < k || m.tool_call_id === undefined || callSeq.get(m.tool_call_id)! >= k);
}

/**
 * Check one get_context result against the rules. `pinned` = seqs of the system prompt that
 * must come first; `lowest` = the oldest seq the window may reach.
 */
function checkWindow(all: Msg[], result: ContextView, maxTokens: number, pinned: number[] = [], lowest = 1) {
  const messages: Msg[] = result.messages;
  const cost = (m: Msg) => messageTokens(count, m);
  const bySeq = new Map(all.map((m) => [m.seq, m]));
  const seqs: number[] = messages.map((m) => m.seq);
  expect(seqs.slice(0, pinned.length)).toEqual(pinned);
  const window = seqs.slice(pinned.length).filter((s) => s !== 0);
  const n = all.length;
  const k = window[0] ?? n + 1;
  // A suffix of the history, in seq order, exactly as stored.
  expect(window).toEqual(Array.from({ length: n + 1 - k }, (_, i) => k + i));
  for (const m of messages) if (m.seq !== 0) expect(m).toMatchObject(bySeq.get(m.seq)!);
  // Never starts with a tool result, never separates a call from its results.
  if (window.length > 0) expect(bySeq.get(k)!.role).not.toBe('tool');
  const returned = new Set(seqs);
  const callsIn = new Set(messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.id)));
  for (const m of messages) if (m.tool_call_id !== undefined) expect(callsIn.has(m.tool_call_id)).toBe(true);
  for (const m of all) {
    if (m.tool_call_id !== undefined && callsIn.has(m.tool_call_id)) expect(returned.has(m.seq)).toBe(true);
  }
  expect(validCut(all, k)).toBe(true);
  // The count is the formula's, and within budget.
  const pinnedCost = messages.filter((m) => m.seq === 0 || pinned.includes(m.seq)).reduce((t, m) => t + cost(m), 0);
  const suffixCost = (from: number) => all.filter((m) => m.seq >= from).reduce((t, m) => t + cost(m), 0);
  expect(result.total_tokens).toBe(REPLY_PRIMER_TOKENS + pinnedCost + suffixCost(k));
  expect(result.total_tokens).toBeLessThanOrEqual(maxTokens);
  // Maximal: the next older valid cut would not fit.
  let older = k - 1;
  while (older >= lowest && !validCut(all, older)) older--;
  if (older >= lowest) {
    expect(REPLY_PRIMER_TOKENS + pinnedCost + suffixCost(older)).toBeGreaterThan(maxTokens);
    expect(result.stopped_by).toBe('tokens');
  }
  expect(result.first_seq).toBe(window.length > 0 ? k : null);
  expect(result.last_seq).toBe(window.length > 0 ? n : null);
  expect(result.omitted_count).toBe(n - seqs.filter((s) => s !== 0).length);
  expect(result.message_count).toBe(n);
  expect(result.encoding).toBe('o200k_base');
}

/** Budgets that land exactly on, and one below, every suffix boundary (plus the ends). */
function boundaryBudgets(all: Msg[], fixed: number): number[] {
  const budgets = new Set<number>();
  let cost = fixed;
  budgets.add(cost);
  for (const m of [...all].reverse()) {
    cost += messageTokens(count, m);
    budgets
      .add(cost)
      .add(cost - 1)
      .add(cost + 1);
  }
  return [...budgets].filter((b) => b >= fixed).sort((a, b) => a - b);
}

// Parallel calls (3 at once), text turns, then a second round whose results are interleaved
// with a third round: the groups are {3,4,5,6}, {11,12,15} and {13,14}.
const ROUNDS = [
  { role: 'system', content: 'You are a travel assistant. Be brief.' },
  { role: 'user', content: 'Weather in Paris, Rome and Oslo tomorrow?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [call('w1', 'weather'), call('w2', 'weather'), call('w3', 'weather')],
  },
  tool('w1', '{"city":"Paris","forecast":"rain","high":12}'),
  tool('w2', '{"city":"Rome","forecast":"sun","high":19}'),
  tool('w3', '{"city":"Oslo","forecast":"snow","high":-2}'),
  { role: 'assistant', content: 'Paris: rain, 12°C. Rome: sunny, 19°C. Oslo: snow, −2°C.' },
  { role: 'user', content: 'Book the cheapest flight to Rome.' },
  { role: 'assistant', content: 'Which day would you like to fly?' },
  { role: 'user', content: 'Friday, from Paris 🇫🇷.' },
  { role: 'assistant', content: 'Searching.', tool_calls: [call('f1', 'flights'), call('f2', 'prices')] },
  tool('f1', '[{"flight":"AF1204","dep":"07:10"},{"flight":"AZ317","dep":"09:45"}]'),
  { role: 'assistant', content: null, tool_calls: [call('h1', 'hotels')] },
  tool('h1', '{"hotel":"Albergo Roma","price":95}'),
  tool('f2', '{"AF1204":129,"AZ317":88}'),
  { role: 'assistant', content: 'The cheapest is AZ317 at 09:45 for €88. Shall I book it?' },
];

describe('get_context: every cut point', () => {
  let id: string;
  let all: Msg[];
  beforeAll(async () => {
    id = await conversation(ROUNDS);
    all = await history(id);
  });

  it('is a maximal, well-formed suffix for every budget around every boundary (include_system false)', async () => {
    const budgets = boundaryBudgets(all, REPLY_PRIMER_TOKENS);
    expect(budgets.length).toBeGreaterThan(all.length * 2);
    const firstSeqs = new Set<number | null>();
    for (const max of budgets) {
      const r = await env.call('get_context', { conversation_id: id, max_tokens: max, include_system: false });
      checkWindow(all, r, max);
      firstSeqs.add(r.first_seq);
    }
    // Exactly the valid cuts occur: 1, 2, 3, 7–11, 16 and empty; never 4–6 or 12–15.
    expect([...firstSeqs].sort((a, b) => (a ?? 99) - (b ?? 99))).toEqual([1, 2, 3, 7, 8, 9, 10, 11, 16, null]);
  });

  it('pins the system prompt first for every budget (include_system default true)', async () => {
    const system = REPLY_PRIMER_TOKENS + messageTokens(count, all[0]!);
    for (const max of boundaryBudgets(all.slice(1), system)) {
      const r = await env.call('get_context', { conversation_id: id, max_tokens: max });
      checkWindow(all, r, max, [1], 2);
      expect(r.messages[0]).toMatchObject({ seq: 1, role: 'system' });
    }
  });

  it('says how small is too small', async () => {
    const minimum = REPLY_PRIMER_TOKENS + messageTokens(count, all[0]!);
    expect(await env.callError('get_context', { conversation_id: id, max_tokens: minimum - 1 })).toBe(
      `max_tokens ${minimum - 1} is too small: ${minimum} tokens are needed for the system prompt alone; pass max_tokens of at least ${minimum}, or include_system false`,
    );
    const r = await env.call('get_context', { conversation_id: id, max_tokens: minimum });
    expect(r.messages.map((m: Msg) => m.seq)).toEqual([1]);
    expect(await env.callError('get_context', { conversation_id: id, max_tokens: 2, include_system: false })).toMatch(
      /^max_tokens 2 is too small: .*at least 3/,
    );
  });

  it('returns the whole conversation when it fits, with stopped_by start', async () => {
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 100_000 });
    checkWindow(all, r, 100_000, [1], 2);
    expect(r.messages).toHaveLength(all.length);
    expect(r).toMatchObject({ first_seq: 2, last_seq: 16, omitted_count: 0, stopped_by: 'start', summary: null });
  });
});

describe('get_context: reading in pages', () => {
  it('keeps a tool round together across page boundaries and in long conversations', async () => {
    // 300 messages; a 6-result round starts at seq 234, straddling the first page (seqs 237–300).
    const messages: unknown[] = [];
    for (let i = 1; i <= 300; i++) {
      if (i === 234)
        messages.push({
          role: 'assistant',
          content: null,
          tool_calls: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((c) => call(c)),
        });
      else if (i >= 235 && i <= 240) messages.push(tool(`p${i - 234}`, `result ${i}`));
      else messages.push({ role: i % 2 ? 'user' : 'assistant', content: `turn ${i}: ${'lorem ipsum '.repeat(i % 7)}` });
    }
    const id = await conversation(messages);
    const all = await history(id);
    const suffix = (k: number) =>
      REPLY_PRIMER_TOKENS + all.filter((m) => m.seq >= k).reduce((t, m) => t + messageTokens(count, m), 0);
    const budgets = [233, 234, 235, 237, 238, 240, 241, 100, 1].flatMap((k) => [suffix(k), suffix(k) - 1]);
    for (const max of budgets) {
      const r = await env.call('get_context', { conversation_id: id, max_tokens: max, include_system: false });
      checkWindow(all, r, max);
      expect(r.first_seq === null || r.first_seq <= 234 || r.first_seq > 240).toBe(true);
    }
  });
});

describe('get_context: consistent while another request rewinds', () => {
  it('never mixes messages from before and after a concurrent rewind', async () => {
    // The writer rewinds to seq 1 and refills 300 messages whose content names their
    // generation, again and again; a context read meanwhile (in pages of 64, 128 …, without a
    // transaction) must come from one generation and end at the last message it counted.
    const id = (await env.call('create_conversation', {})).conversation.id as string;
    const fill = async (generation: number) => {
      for (let from = 1; from <= 300; from += 100) {
        // Enough text that counting takes the meter past its time slice: it yields mid-read.
        const messages = Array.from({ length: 100 }, (_, k) => ({
          role: 'user',
          content: `g${generation} s${from + k} ${'lorem ipsum '.repeat(120)}`,
        }));
        await env.call('append_messages', { conversation_id: id, messages });
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await fill(0);
    let writing = true;
    // In memory every step resolves as a microtask: let the event loop turn between calls, as
    // it does between requests that arrive over a transport, or one side would starve the other.
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const writer = (async () => {
      for (let generation = 1; writing; generation++) {
        await env.call('delete_messages', { conversation_id: id, from_seq: 1 });
        await turn();
        await fill(generation);
        await turn();
      }
    })();
    let multiPage = 0;
    const seen = new Set<string>();
    try {
      for (let read = 0; read < 150; read++) {
        await turn();
        const raw = await env.callRaw('get_context', { conversation_id: id, max_tokens: 100_000 });
        if (raw.isError) {
          // Rewound again and again while it read: it says so, and that is all it may say.
          expect((raw.content[0] as { text: string }).text).toMatch(/rewound while its context was being read/);
          continue;
        }
        const r = raw.structuredContent as ContextView;
        const generations = new Set(r.messages.map((m) => m.content!.split(' ')[0]!));
        expect(generations.size, JSON.stringify([...generations])).toBeLessThanOrEqual(1);
        r.messages.forEach((m, i) => {
          expect(m.content!.split(' ')[1]).toBe(`s${m.seq}`);
          expect(m.seq).toBe(r.messages[0]!.seq + i);
        });
        if (r.messages.length > 0) expect(r.last_seq).toBe(r.message_count);
        if (r.messages.length > 64) multiPage++; // read in more than one page
        for (const g of generations) seen.add(g);
      }
    } finally {
      writing = false;
      await writer;
    }
    expect(multiPage).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThan(1); // the writer rewound while the reads went on
    // 150 reads of up to 300 messages against a writer: ~1.5 s on an idle 2-core machine, more
    // than 5 s on a busy one. A correctness test; give it room.
  }, 30_000);
});

describe('get_context: system prompt', () => {
  it('pins the leading run of system messages, not later ones', async () => {
    const id = await conversation([
      { role: 'system', content: 'Rule one.' },
      { role: 'system', content: 'Rule two.' },
      { role: 'user', content: 'Hello there.' },
      { role: 'system', content: 'The user switched to French.' },
      { role: 'user', content: 'Bonjour.' },
      { role: 'assistant', content: 'Bonjour !' },
    ]);
    const all = await history(id);
    const fixed = REPLY_PRIMER_TOKENS + messageTokens(count, all[0]!) + messageTokens(count, all[1]!);
    const last = messageTokens(count, all[5]!);
    const r = await env.call('get_context', { conversation_id: id, max_tokens: fixed + last });
    expect(r.messages.map((m: Msg) => m.seq)).toEqual([1, 2, 6]);
    checkWindow(all, r, fixed + last, [1, 2], 3);
    const off = await env.call('get_context', { conversation_id: id, max_tokens: fixed + last, include_system: false });
    expect(off.messages[0].seq).toBeGreaterThan(2);
    checkWindow(all, off, fixed + last);
  });

  it('pins nothing when the conversation does not start with a system message', async () => {
    const id = await conversation([
      { role: 'user', content: 'Hi.' },
      { role: 'system', content: 'Late instructions.' },
      { role: 'assistant', content: 'Hello!' },
    ]);
    const all = await history(id);
    const max = REPLY_PRIMER_TOKENS + messageTokens(count, all[2]!);
    const r = await env.call('get_context', { conversation_id: id, max_tokens: max });
    expect(r.messages.map((m: Msg) => m.seq)).toEqual([3]);
  });

  it('handles an empty conversation', async () => {
    const id = await conversation([]);
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 3 });
    expect(r).toMatchObject({
      messages: [],
      total_tokens: 3,
      first_seq: null,
      last_seq: null,
      omitted_count: 0,
      stopped_by: 'start',
    });
  });
});

describe('set_summary and get_context with a summary', () => {
  let id: string;
  let all: Msg[];
  beforeAll(async () => {
    id = await conversation(ROUNDS);
    all = await history(id);
  });

  it('returns the system prompt, the marked summary, then the messages after through_seq', async () => {
    const set = await env.call('set_summary', {
      conversation_id: id,
      summary: 'Weather: Paris rain, Rome sun, Oslo snow.',
      through_seq: 7,
    });
    expect(set).toMatchObject({ conversation_id: id, through_seq: 7, replaced: null });
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 100_000 });
    expect(r.messages[1]).toEqual({
      seq: 0,
      role: 'system',
      content: 'Summary of messages 1–7:\nWeather: Paris rain, Rome sun, Oslo snow.',
      created_at: set.created_at,
    });
    expect(set.tokens).toBe(messageTokens(count, r.messages[1]));
    expect(r.summary).toEqual({ through_seq: 7, created_at: set.created_at });
    expect(r.messages.map((m: Msg) => m.seq)).toEqual([1, 0, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(r).toMatchObject({ first_seq: 8, omitted_count: 6, stopped_by: 'start' });
    checkWindow(all, r, 100_000, [1], 8);
    // Summaries never delete messages.
    expect(await history(id)).toEqual(all);
  });

  it('counts the summary against the budget and keeps the window maximal', async () => {
    await env.call('set_summary', { conversation_id: id, summary: 'Weather done.', through_seq: 7 });
    const withSummary = await env.call('get_context', { conversation_id: id, max_tokens: 100_000 });
    const fixed =
      REPLY_PRIMER_TOKENS +
      messageTokens(count, withSummary.messages[0]) +
      messageTokens(count, withSummary.messages[1]);
    for (const max of boundaryBudgets(all.slice(7), fixed)) {
      const r = await env.call('get_context', { conversation_id: id, max_tokens: max });
      expect(r.messages.slice(0, 2).map((m: Msg) => m.seq)).toEqual([1, 0]);
      checkWindow(all, r, max, [1], 8);
    }
    expect(await env.callError('get_context', { conversation_id: id, max_tokens: fixed - 1 })).toBe(
      `max_tokens ${fixed - 1} is too small: ${fixed} tokens are needed for the system prompt and the summary alone; ` +
        `pass max_tokens of at least ${fixed}, or use_summary false, or include_system false`,
    );
  });

  it('a new summary supersedes the old one', async () => {
    const first = await env.call('set_summary', { conversation_id: id, summary: 'Up to the weather.', through_seq: 7 });
    const second = await env.call('set_summary', {
      conversation_id: id,
      summary: 'Weather, then Rome on Friday.',
      through_seq: 10,
    });
    expect(second.replaced).toEqual({ through_seq: 7, created_at: first.created_at });
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 100_000, include_system: false });
    expect(r.messages[0].content).toBe('Summary of messages 1–10:\nWeather, then Rome on Friday.');
    expect(r.messages.map((m: Msg) => m.seq)).toEqual([0, 11, 12, 13, 14, 15, 16]);
    expect(r.summary.through_seq).toBe(10);
  });

  it('use_summary false ignores it', async () => {
    await env.call('set_summary', { conversation_id: id, summary: 'Everything so far.', through_seq: 16 });
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 100_000, use_summary: false });
    expect(r.summary).toBeNull();
    expect(r.messages.map((m: Msg) => m.seq)).toEqual(all.map((m) => m.seq));
    const summarized = await env.call('get_context', { conversation_id: id, max_tokens: 100_000 });
    expect(summarized.messages.map((m: Msg) => m.seq)).toEqual([1, 0]);
    expect(summarized).toMatchObject({ first_seq: null, omitted_count: 15, stopped_by: 'start' });
  });

  it('leaves out tool results whose call is inside the summary', async () => {
    await env.call('set_summary', { conversation_id: id, summary: 'Asked for weather; calls made.', through_seq: 3 });
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 100_000, include_system: false });
    expect(r.messages.map((m: Msg) => m.seq)).toEqual([0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(r.omitted_count).toBe(6);
  });

  it('validates through_seq and the summary, naming the field', async () => {
    expect(await env.callError('set_summary', { conversation_id: id, summary: 's', through_seq: 17 })).toBe(
      'through_seq 17 is beyond the stored messages (the last message is seq 16); a summary can only cover stored messages at through_seq',
    );
    expect(await env.callError('set_summary', { conversation_id: id, summary: 's', through_seq: 0 })).toMatch(
      /through_seq must be at least 1/,
    );
    expect(await env.callError('set_summary', { conversation_id: id, summary: 's', through_seq: 1.5 })).toMatch(
      /through_seq must be an integer/,
    );
    expect(await env.callError('set_summary', { conversation_id: id, summary: '', through_seq: 1 })).toMatch(
      /summary must not be empty/,
    );
    expect(
      await env.callError('set_summary', { conversation_id: id, summary: 'é'.repeat(1001), through_seq: 1 }),
    ).toMatch(/summary is over the limit of 2000 UTF-8 bytes/);
    const empty = await conversation([]);
    expect(await env.callError('set_summary', { conversation_id: empty, summary: 's', through_seq: 1 })).toMatch(
      /the conversation has no messages yet.* at through_seq$/,
    );
    expect(await env.callError('set_summary', { conversation_id: 'ghost', summary: 's', through_seq: 1 })).toMatch(
      /^conversation ghost not found:/,
    );
  });

  it('is dropped by a rewind below its end (dropSummariesFrom)', async () => {
    await env.call('set_summary', { conversation_id: id, summary: 'Through 10.', through_seq: 10 });
    const db = env.database.db;
    expect(await db.$transaction((tx) => dropSummariesFrom(tx, id, 11))).toBe(0);
    expect((await env.call('get_context', { conversation_id: id, max_tokens: 100_000 })).summary?.through_seq).toBe(10);
    expect(await db.$transaction((tx) => dropSummariesFrom(tx, id, 10))).toBe(1);
    expect((await env.call('get_context', { conversation_id: id, max_tokens: 100_000 })).summary).toBeNull();
  });

  it('ignores a summary that reaches beyond the stored messages (a rewind that did not drop it)', async () => {
    await env.call('set_summary', { conversation_id: id, summary: 'Through 10.', through_seq: 10 });
    await env.database.db.summary.update({ where: { conversationId: id }, data: { throughSeq: 17 } });
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 100_000 });
    expect(r.summary).toBeNull();
    expect(r.messages.map((m: Msg) => m.seq)).toEqual(all.map((m) => m.seq));
  });

  it('goes to the trash with its conversation and comes back with it', async () => {
    const other = await conversation([{ role: 'user', content: 'x' }]);
    await env.call('set_summary', { conversation_id: other, summary: 'x', through_seq: 1 });
    await env.call('delete_conversation', { conversation_id: other });
    expect(await env.callError('get_context', { conversation_id: other, max_tokens: 1000 })).toMatch(/not found/);
    await env.call('restore_conversation', { conversation_id: other });
    const context = await env.call('get_context', { conversation_id: other, max_tokens: 1000 });
    expect(context.summary).toMatchObject({ through_seq: 1 });
  });
});

describe('isolation and limits', () => {
  let bob: Connected;
  beforeAll(async () => {
    bob = await connect(env.database, { owner: 'bob' });
  });
  afterAll(() => bob.close());

  it("another owner's conversation is not found, and its summary is untouched", async () => {
    const id = await conversation([{ role: 'user', content: 'private' }]);
    await env.call('set_summary', { conversation_id: id, summary: 'mine', through_seq: 1 });
    const notFound = new RegExp(`^conversation ${id} not found:`);
    expect(await bob.callError('get_context', { conversation_id: id, max_tokens: 1000 })).toMatch(notFound);
    expect(await bob.callError('set_summary', { conversation_id: id, summary: 'theirs', through_seq: 1 })).toMatch(
      notFound,
    );
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 1000 });
    expect(r.messages[0].content).toBe('Summary of messages 1–1:\nmine');
  });

  it('counts special-token text as ordinary text', async () => {
    const id = await conversation([{ role: 'user', content: 'What does <|endoftext|> mean?' }]);
    const r = await env.call('get_context', { conversation_id: id, max_tokens: 1000 });
    expect(r.messages[0].content).toBe('What does <|endoftext|> mean?');
    expect(r.total_tokens).toBeGreaterThan(REPLY_PRIMER_TOKENS + 3 + 5);
  });

  it('refuses bad budgets, naming the field', async () => {
    const id = await conversation([{ role: 'user', content: 'x' }]);
    expect(await env.callError('get_context', { conversation_id: id, max_tokens: 0 })).toMatch(
      /max_tokens must be at least 1/,
    );
    expect(await env.callError('get_context', { conversation_id: id, max_tokens: 2_000_001 })).toMatch(
      /max_tokens must be at most 2000000/,
    );
    expect(await env.callError('get_context', { conversation_id: id })).toMatch(/max_tokens/);
  });

  it('stops at the response byte limit even when tokens would allow more', async () => {
    // Room for two of these messages (as JSON and again as text), not three.
    const small = await setup({ limits: { maxContentBytes: 1000, maxResponseBytes: RESPONSE_RESERVE + 5000 } });
    try {
      const id = (await small.call('create_conversation', {})).conversation.id;
      const big = (i: number) => ({ role: 'user', content: `${i}`.padEnd(1000, ' x') });
      await small.call('append_messages', { conversation_id: id, messages: [big(1), big(2)] });
      await small.call('append_messages', { conversation_id: id, messages: [big(3)] });
      const r = await small.call('get_context', { conversation_id: id, max_tokens: 1_000_000 });
      expect(r).toMatchObject({ first_seq: 2, last_seq: 3, stopped_by: 'bytes', omitted_count: 1 });
    } finally {
      await small.close();
    }
  });
});
