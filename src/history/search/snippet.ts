/**
 * Snippets for search hits, made here rather than by FTS5's snippet(): that function scores
 * every candidate window of a row, which is quadratic in the row's hits — one 190 KB message
 * of a repeated word took 50 s and, the driver being synchronous, stalled the whole server.
 * This is one linear pass that stops as soon as the window after the first hit is complete,
 * and the snippet shows at most MAX_WORD characters of a word and MAX_GAP of what separates
 * two, so WIDTH words are at most a few hundred characters whatever the message holds.
 *
 * Matching mirrors the index (unicode61, remove_diacritics 2): words are runs of letters,
 * digits and private-use characters, compared case- and accent-insensitively; a prefix term
 * matches any word it starts.
 */

const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
const WIDTH = 24;
/** Words shown before the first hit, so it is read in context. */
const LEAD = 6;
/** Characters shown of one word, and of the text between two words. */
const MAX_WORD = 40;
const MAX_GAP = 20;

export interface SnippetTerm {
  word: string;
  prefix: boolean;
}

export function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The words of the query's terms, folded; the last word of a prefix term matches as a prefix. */
export function snippetTerms(parts: ReadonlyArray<{ text: string; prefix: boolean }>): SnippetTerm[] {
  return parts.flatMap((p) => {
    const words = [...p.text.matchAll(WORD)].map((m) => fold(m[0]));
    return words.map((word, i) => ({ word, prefix: p.prefix && i === words.length - 1 }));
  });
}

interface Token {
  start: number;
  end: number;
  hit: boolean;
}

/** Up to WIDTH words around the first hit, hits marked «like this», '…' where text was cut. */
export function makeSnippet(text: string, terms: readonly SnippetTerm[]): string {
  const tokens: Token[] = [];
  let first = -1;
  for (const m of text.matchAll(WORD)) {
    const word = fold(m[0]);
    const hit = terms.some((t) => (t.prefix ? word.startsWith(t.word) : word === t.word));
    tokens.push({ start: m.index, end: m.index + m[0].length, hit });
    if (hit && first < 0) first = tokens.length - 1;
    // One word past the window tells that there is more; nothing further is read.
    if (first >= 0 && tokens.length > Math.max(0, first - LEAD) + WIDTH) break;
  }
  if (tokens.length === 0) return '';
  const from = Math.max(0, first - LEAD);
  const to = Math.min(tokens.length, from + WIDTH);
  let out = from > 0 ? '…' : '';
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (i > from) out += clip(text, tokens[i - 1]!.end, t.start, MAX_GAP);
    const word = clip(text, t.start, t.end, MAX_WORD);
    out += t.hit ? `«${word}»` : word;
  }
  return tokens.length > to ? `${out}…` : out;
}

/**
 * text[start, end), or its first `max` characters and '…': a snippet stays a few hundred
 * characters even when a "word" is one 256 KiB run or the words are far apart.
 */
function clip(text: string, start: number, end: number, max: number): string {
  if (end - start <= max) return text.slice(start, end);
  let cut = start + max;
  if (/[\udc00-\udfff]/.test(text[cut] ?? '')) cut--; // keep a surrogate pair whole
  return `${text.slice(start, cut)}…`;
}
