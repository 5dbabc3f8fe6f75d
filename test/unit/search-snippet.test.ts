import { describe, expect, it } from 'vitest';
import { makeSnippet, snippetTerms } from '../../src/history/search/snippet.js';

const terms = (...parts: Array<[string, boolean]>) => snippetTerms(parts.map(([text, prefix]) => ({ text, prefix })));

describe('search snippets', () => {
  it('marks whole-word matches case- and accent-insensitively', () => {
    expect(makeSnippet('Le Café de Paris, cafe au lait', terms(['cafe', false]))).toBe(
      'Le «Café» de Paris, «cafe» au lait',
    );
    expect(makeSnippet('cafeteria', terms(['cafe', false]))).toBe('cafeteria');
  });

  it('marks prefix matches for the last word of a prefix term, and every word of a phrase', () => {
    expect(makeSnippet('kubernetes deploy with kubectl', terms(['deploy', false], ['kube', true]))).toBe(
      '«kubernetes» «deploy» with «kubectl»',
    );
    expect(makeSnippet('the quick brown fox', terms(['quick brown', false]))).toBe('the «quick» «brown» fox');
  });

  it('shows a window around the first hit and says where text was cut', () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`);
    words[50] = 'needle';
    const snippet = makeSnippet(words.join(' '), terms(['needle', false]));
    expect(snippet.startsWith('…w44 ')).toBe(true);
    expect(snippet).toContain('«needle»');
    expect(snippet.endsWith('w67…')).toBe(true);
  });

  it('stays bounded on a huge message made of one repeated hit (FTS5 snippet() was quadratic here)', () => {
    const snippet = makeSnippet('hi '.repeat(64_000), terms(['hi', false]));
    expect(snippet).toBe(`${Array.from({ length: 24 }, () => '«hi»').join(' ')}…`);
  });

  it('falls back to the start of the text when no word matches', () => {
    expect(makeSnippet('alpha beta', terms(['zeta', false]))).toBe('alpha beta');
    expect(makeSnippet('', terms(['x', false]))).toBe('');
  });
});
