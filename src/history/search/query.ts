import type { SearchPart } from '../../db/index.js';
import { HistoryError } from '../core/errors.js';
import { fold } from './snippet.js';

/**
 * Reads whatever a person (or an agent) typed as a search: there is no query syntax to get
 * wrong, and no part of the input ever reaches the index as syntax (each backend's page turns
 * the parts into its own query with the text bound as a parameter: db/sqlite/search-page.ts,
 * db/postgresql/search-page.ts). The text is split into words on whitespace; text between a
 * balanced pair of double quotes is kept together as a phrase; all parts must match. The last
 * bare word also matches as a prefix (`kube` finds kubernetes), and so does any bare word
 * ending in `*`.
 */

/** What FTS5's unicode61 tokenizer keeps as parts of words by default: categories L*, N*, Co. */
const WORD_CHAR = /[\p{L}\p{N}\p{Co}]/u;
const INDEX_WORD = /[\p{L}\p{N}\p{Co}]+/gu;
/** A quoted phrase, or a run of characters that are neither whitespace nor a double quote. */
const CHUNK = /"([^"]*)"|[^\s"]+/gu;
/** Control characters (NUL included) mean nothing in a search and must not reach the parser. */
const CONTROL = /\p{Cc}/gu;

export interface MatchQuery {
  /** What is searched, for the agent to see: words, "phrases", and prefix terms ending in *. */
  terms: string[];
  /** The same, parsed: for the backend's page query and for marking matches in snippets. Empty when nothing is searchable. */
  parts: Part[];
}

type Part = SearchPart;

/**
 * What one query may ask of the index, so that its cost is bounded: FTS5 and tsvector both
 * evaluate every part against the index, and a prefix part first gathers every indexed word
 * that starts with it, of every owner. Repeats are free (they are dropped); beyond these
 * bounds the query is refused, naming `query`.
 */
export const QUERY_BOUNDS = {
  /** Distinct words and phrases. */
  parts: 16,
  /** Words in all parts together (a phrase's words each count). */
  words: 32,
  /** Parts that match as a prefix. */
  prefixes: 4,
  /** Characters of a prefix; a shorter "prefix" is searched as the whole word. */
  prefixChars: 2,
} as const;

export function toMatchQuery(input: string): MatchQuery {
  const parsed: Part[] = [];
  for (const m of input.replace(CONTROL, ' ').matchAll(CHUNK)) {
    const phrase = m[1] !== undefined;
    let text = phrase ? m[1]!.trim() : m[0];
    const prefix = !phrase && text.endsWith('*');
    if (prefix) text = text.replace(/\*+$/, '');
    // Nothing the tokenizer would index (punctuation, symbols, emoji): it could only ever
    // produce an empty phrase, which makes FTS5 match nothing at all.
    if (!WORD_CHAR.test(text)) continue;
    parsed.push({ text, phrase, prefix });
  }
  const last = parsed.at(-1);
  if (last !== undefined && !last.phrase) last.prefix = true;
  const parts = withinBounds(distinct(parsed));
  return {
    terms: parts.map((p) => `${p.phrase ? `"${p.text}"` : p.text}${p.prefix ? '*' : ''}`),
    parts,
  };
}

/** The words of a part as the index sees them: letters, digits, private use; case and accents folded. */
function indexWords(text: string): string[] {
  return [...text.matchAll(INDEX_WORD)].map((m) => fold(m[0]));
}

/**
 * Parts that ask for the same thing once: the same words in the same order (a one-word
 * phrase is that word), and a one-word prefix that another part already implies (`kube*`
 * beside `kubernetes`). A prefix too short to be worth expanding becomes the whole word.
 */
function distinct(parts: readonly Part[]): Part[] {
  const seen = new Map<string, Part>();
  for (const p of parts) {
    const words = indexWords(p.text);
    const prefix = p.prefix && words.at(-1)!.length >= QUERY_BOUNDS.prefixChars;
    const key = `${words.join(' ')}${prefix ? '*' : ''}`;
    if (!seen.has(key)) seen.set(key, { text: p.text, phrase: p.phrase && words.length > 1, prefix });
  }
  const kept = [...seen.entries()];
  return kept
    .filter(([key, p]) => {
      if (!p.prefix || key.includes(' ')) return true;
      const stem = key.slice(0, -1);
      return !kept.some(
        ([other]) => other !== key && other.split(' ').some((w) => w.replace(/\*$/, '').startsWith(stem)),
      );
    })
    .map(([, p]) => p);
}

function withinBounds(parts: Part[]): Part[] {
  const words = parts.reduce((n, p) => n + indexWords(p.text).length, 0);
  const prefixes = parts.filter((p) => p.prefix).length;
  const refuse = (what: string) =>
    new HistoryError(
      'invalid_input',
      `query has ${what}: search for fewer, more telling words (repeated words count once)`,
      'query',
    );
  if (parts.length > QUERY_BOUNDS.parts)
    throw refuse(`${parts.length} different words and phrases; at most ${QUERY_BOUNDS.parts} are searched`);
  if (words > QUERY_BOUNDS.words)
    throw refuse(`${words} words in all; at most ${QUERY_BOUNDS.words} (phrase words included)`);
  if (prefixes > QUERY_BOUNDS.prefixes)
    throw refuse(`${prefixes} prefix terms (ending in *); at most ${QUERY_BOUNDS.prefixes}`);
  return parts;
}
