import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  jsonTextBytes,
  jsonTextPrefix,
  RESPONSE_RESERVE,
  structuredAndText,
} from '../../src/history/core/response-budget.js';
import type { HistoryPageView } from '../../src/history/messages/schemas.js';
import { budgetedResult } from '../../src/mcp/response-guard.js';
import { conversationBound, conversationLine, messageBlock, messageBound } from '../../src/mcp/tools/render.js';
import { connect, freshDatabase, setup } from '../support/harness.js';

/**
 * Every response fits the response budget as serialized JSON (structuredContent and the text
 * rendering together): pages stop early and say so; an item too large on its own gets a
 * shortened text, or an error that says why — never a frame the transport would drop.
 */
const wire = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe('JSON sizes counted without serializing', () => {
  it('jsonTextBytes is the byte length of JSON.stringify for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 50 }),
        (a, b) => {
          expect(jsonTextBytes(a)).toBe(wire(a));
          expect(jsonTextBytes(`${b}\u0001"\\\n`)).toBe(wire(`${b}\u0001"\\\n`));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('jsonTextPrefix is the longest prefix within the bytes, never half a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), fc.nat(400), (text, bytes) => {
        const prefix = jsonTextPrefix(text, bytes);
        expect(text.startsWith(prefix)).toBe(true);
        if (prefix.length > 0) expect(wire(prefix)).toBeLessThanOrEqual(bytes);
        if (prefix.length < text.length) {
          const next = /[\ud800-\udbff][\udc00-\udfff]/.test(text.slice(prefix.length, prefix.length + 2)) ? 2 : 1;
          expect(wire(text.slice(0, prefix.length + next))).toBeGreaterThan(Math.max(bytes, 2));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('cheap bounds', () => {
  it('are never below the exact cost of a message or a conversation, whatever their text', () => {
    const text = fc.string({ unit: 'binary', maxLength: 60 });
    const json = fc.dictionary(text, fc.oneof(text, fc.integer(), fc.constant(null)), { maxKeys: 3 });
    const message = fc.record({
      id: text,
      seq: fc.nat(),
      role: fc.constantFrom('user', 'assistant', 'tool', 'system'),
      content: fc.option(text, { nil: null }),
      name: fc.option(text, { nil: undefined }),
      tool_call_id: fc.option(text, { nil: undefined }),
      tool_calls: fc.option(
        fc.array(
          fc.record({ id: text, type: fc.constant('function'), function: fc.record({ name: text, arguments: text }) }),
          { maxLength: 3 },
        ),
        { nil: undefined },
      ),
      metadata: fc.option(json, { nil: undefined }),
      created_at: text,
    });
    const conversation = fc.record({
      id: text,
      key: fc.option(text, { nil: null }),
      title: fc.option(text, { nil: null }),
      metadata: fc.option(json, { nil: null }),
      message_count: fc.nat(),
      created_at: text,
      updated_at: text,
    });
    fc.assert(
      fc.property(message, conversation, (m, c) => {
        const strip = <T extends object>(o: T) => JSON.parse(JSON.stringify(o)) as T; // absent, not undefined
        const mv = strip(m) as any;
        const cv = strip(c) as any;
        expect(messageBound(mv)).toBeGreaterThanOrEqual(structuredAndText(messageBlock)(mv));
        expect(conversationBound(cv)).toBeGreaterThanOrEqual(structuredAndText(conversationLine)(cv));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the response guard', () => {
  it('passes a result that fits unchanged', () => {
    const result = budgetedResult({ a: 1 }, 'text', 10_000);
    expect(result).toEqual({ structuredContent: { a: 1 }, content: [{ type: 'text', text: 'text' }] });
  });

  it('shortens the text of a result too large, with a marker, keeping the structured result whole', () => {
    const structured = { content: 'x'.repeat(20_000) };
    const result = budgetedResult(structured, '\u0001'.repeat(20_000), 40_000);
    expect(wire(result)).toBeLessThanOrEqual(40_000);
    expect(result.structuredContent).toBe(structured);
    const text = (result.content[0] as { text: string }).text;
    expect(text).toMatch(/^\u0001+\n\n\[… text shortened to fit the response budget of 40000 bytes/);
  });

  it('refuses, saying why, a structured result larger than the budget', () => {
    const result = budgetedResult({ content: '\u0001'.repeat(10_000) }, 'x', 40_000);
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(
      /takes 600\d\d bytes as JSON, over the server's response budget of 40000 bytes/,
    );
  });
});

describe('tools within the budget', () => {
  const budget = RESPONSE_RESERVE + 30_000;

  it('refuse a message that could not come back whole in one response, naming it', async () => {
    const env = await setup({ limits: { maxResponseBytes: budget } });
    cleanup.push(() => env.close());
    const id = (await env.call('create_conversation', {})).conversation.id;
    // 6,000 control characters are 36,000 bytes as JSON: stored size is small, the wire size is not.
    const error = await env.callError('append_messages', {
      conversation_id: id,
      messages: [
        { role: 'user', content: 'fine' },
        { role: 'user', content: '\u0002'.repeat(6_000) },
      ],
    });
    expect(error).toMatch(
      /message takes 36\d{3} bytes as JSON .*at most 30000 bytes \(server option --max-response-bytes.* at messages\[1\]/,
    );
    expect((await env.call('get_conversation', { conversation_id: id })).message_count).toBe(0);
  });

  it('list_conversations stops at the budget and its cursor continues where it stopped', async () => {
    const env = await setup({ limits: { maxResponseBytes: budget } });
    cleanup.push(() => env.close());
    for (let i = 0; i < 12; i++)
      await env.call('create_conversation', { title: `c${i}`, metadata: { blob: '\u0003'.repeat(1000) } });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const raw = await env.callRaw('list_conversations', { limit: 100, ...(cursor && { cursor }) });
      expect(wire(raw)).toBeLessThanOrEqual(budget);
      const page = raw.structuredContent as { conversations: Array<{ title: string }>; next_cursor: string | null };
      expect(page.conversations.length).toBeLessThan(12);
      seen.push(...page.conversations.map((c) => c.title));
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `c${i}`).sort());
  });

  it('a message stored under a larger budget still comes back under a smaller one: whole, with a shortened text', async () => {
    const database = await freshDatabase();
    cleanup.push(() => database.close());
    const large = await connect(database, { limits: { maxResponseBytes: 4 * budget } });
    const id = (await large.call('create_conversation', {})).conversation.id;
    const content = 'é\u0004'.repeat(4_500); // 36,000 bytes as JSON: twice that with its text is over budget + 20,000
    await large.call('append_messages', { conversation_id: id, messages: [{ role: 'user', content }] });
    await large.close();

    const small = await connect(database, { limits: { maxResponseBytes: budget + 20_000 } });
    cleanup.push(() => small.close());
    const raw = await small.callRaw('get_history', { conversation_id: id });
    expect(raw.isError).toBeFalsy();
    expect((raw.structuredContent as HistoryPageView).messages[0]!.content).toBe(content);
    expect((raw.content[0] as { text: string }).text).toMatch(/text shortened to fit the response budget/);
    expect(wire(raw)).toBeLessThanOrEqual(budget + 20_000);

    const tiny = await connect(database, { limits: { maxResponseBytes: RESPONSE_RESERVE + 20_000 } });
    cleanup.push(() => tiny.close());
    expect(await tiny.callError('get_history', { conversation_id: id })).toMatch(
      /over the server's response budget of \d+ bytes/,
    );
  });
});
