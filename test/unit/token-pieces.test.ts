import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHUNK, pieces, RUN, SLICE } from '../../src/history/context/token-pieces.js';
import { type CountText, loadTokenCounter, TokenMeter } from '../../src/history/context/tokens.js';

/**
 * Counting in pieces must give the same number as counting the whole text, except inside
 * runs too long to tokenize exactly, which must be reported as estimated.
 */
let count: CountText;
beforeAll(async () => {
  count = await loadTokenCounter();
});

const join = (text: string) => [...pieces(text)].map((p) => p.text).join('');
const sum = (text: string) => [...pieces(text)].reduce((n, p) => n + count(p.text), 0);

/** Ordinary text: words, numbers, punctuation, whitespace of every kind, CJK, emoji, accents. */
const token = fc.constantFrom(
  'the',
  ' quick',
  'Brown',
  'FOX',
  "don't",
  "it's",
  ' 12',
  '345678',
  '3.14',
  ',',
  '.',
  '!',
  '?',
  '...',
  ' - ',
  '—',
  '\n',
  '\n\n',
  '\r\n',
  '\t',
  '    ',
  ' ',
  '  ',
  '(',
  ')',
  '{"a":1}',
  '[]',
  '/',
  '//',
  'https://example.com/a?b=c',
  '漢字',
  '。',
  '、',
  'かな',
  'Ünïcödé',
  'é',
  'e\u0301',
  '😀',
  '👍🏽',
  '𝐀𝐁',
  'Ωμέγα',
  'مرحبا',
  '<|endoftext|>',
  "'s",
  'x²',
);
const ordinaryText = fc.array(token, { minLength: 0, maxLength: 4000 }).map((parts) => parts.join(''));

describe('pieces', () => {
  it('lose nothing: the pieces of any text are the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), ordinaryText, (a, b) => {
        expect(join(a)).toBe(a);
        expect(join(b)).toBe(b);
        expect(join(a + 'x'.repeat(RUN * 3) + b)).toBe(a + 'x'.repeat(RUN * 3) + b);
      }),
      { numRuns: 200 },
    );
  });

  it('count ordinary text exactly, however long, in chunks of bounded size', () => {
    fc.assert(
      fc.property(ordinaryText, (text) => {
        const parts = [...pieces(text)];
        expect(parts.every((p) => p.exact)).toBe(true);
        expect(parts.every((p) => p.text.length <= CHUNK)).toBe(true);
        expect(sum(text)).toBe(count(text));
      }),
      { numRuns: 150 },
    );
  });

  it('slice an unbroken run into short inexact pieces, counted within a few percent', () => {
    const runs = {
      letters: 'abcdefghij'.repeat(400),
      cjk: '漢字仮名交じり文章'.repeat(450),
      punctuation: '!?#$%&*+-=<>'.repeat(330),
      spaces: ' \t'.repeat(2000),
      emoji: '😀🎉'.repeat(1000),
    };
    for (const [name, run] of Object.entries(runs)) {
      const parts = [...pieces(`start ${run} end`)];
      const sliced = parts.filter((p) => !p.exact);
      expect(sliced.length, name).toBeGreaterThan(0);
      expect(Math.max(...sliced.map((p) => p.text.length)), name).toBeLessThanOrEqual(SLICE);
      const exact = count(run);
      const estimate = sum(run);
      expect(Math.abs(estimate - exact), `${name}: ${estimate} vs ${exact}`).toBeLessThanOrEqual(
        Math.max(2, exact * 0.05) + run.length / SLICE,
      );
    }
  });

  it('never split a surrogate pair', () => {
    const text = `a${'😀'.repeat(CHUNK)}b${'𝐀'.repeat(RUN * 2)}`;
    for (const p of pieces(text)) expect(p.text.isWellFormed()).toBe(true);
  });
});

describe('TokenMeter', () => {
  it('agrees with whole-text counting on ordinary messages and says when it estimated', async () => {
    const meter = new TokenMeter(count);
    const message = {
      role: 'assistant',
      content: 'Hello, world. '.repeat(500),
      tool_calls: [{ id: 'c1', function: { name: 'f', arguments: '{"x": 1}' } }],
    };
    const whole = 3 + count('assistant') + count(message.content) + 3 + count('c1') + count('f') + count('{"x": 1}');
    expect(await meter.message(message)).toBe(whole);
    expect(meter.estimated).toBe(false);
    await meter.text('z'.repeat(RUN + 1));
    expect(meter.estimated).toBe(true);
  });
});
