/**
 * Turns whatever a person (or an agent) typed into a safe FTS5 MATCH expression.
 *
 * FTS5's query language has operators (AND OR NOT NEAR, `-`, `^`, `*`, `column:`, parentheses)
 * and a syntax error aborts the query. Users do not know it and should not have to: no part
 * of the input is ever passed to FTS5 as syntax. The text is split into words on whitespace;
 * text between a balanced pair of double quotes is kept together as a phrase; each word or
 * phrase becomes an FTS5 string ("…", inner quotes doubled), where FTS5's own tokenizer splits
 * it further (so `foo-bar` or `src/index.ts` match as adjacent words, and `content:x` or
 * `NEAR` are plain words). All strings must match (AND). The last bare word also matches as a
 * prefix (`kube` finds kubernetes), and so does any bare word ending in `*`. The expression is
 * bound as a parameter, never spliced into SQL.
 */

/** What FTS5's unicode61 tokenizer keeps as parts of words by default: categories L*, N*, Co. */
const WORD_CHAR = /[\p{L}\p{N}\p{Co}]/u;
/** A quoted phrase, or a run of characters that are neither whitespace nor a double quote. */
const CHUNK = /"([^"]*)"|[^\s"]+/gu;
/** Control characters (NUL included) mean nothing in a search and must not reach the parser. */
const CONTROL = /\p{Cc}/gu;

export interface MatchQuery {
  /** The FTS5 MATCH expression, or null when the text holds nothing searchable (only punctuation, emoji…). */
  expression: string | null;
  /** What is searched, for the agent to see: words, "phrases", and prefix terms ending in *. */
  terms: string[];
  /** The same, parsed: for marking matches in snippets. */
  parts: Part[];
}

export interface Part {
  text: string;
  phrase: boolean;
  prefix: boolean;
}

export function toMatchQuery(input: string): MatchQuery {
  const parts: Part[] = [];
  for (const m of input.replace(CONTROL, ' ').matchAll(CHUNK)) {
    const phrase = m[1] !== undefined;
    let text = phrase ? m[1]!.trim() : m[0];
    const prefix = !phrase && text.endsWith('*');
    if (prefix) text = text.replace(/\*+$/, '');
    // Nothing the tokenizer would index (punctuation, symbols, emoji): it could only ever
    // produce an empty phrase, which makes FTS5 match nothing at all.
    if (!WORD_CHAR.test(text)) continue;
    parts.push({ text, phrase, prefix });
  }
  const last = parts.at(-1);
  if (last !== undefined && !last.phrase) last.prefix = true;
  if (parts.length === 0) return { expression: null, terms: [], parts };
  return {
    expression: parts.map((p) => `"${p.text.replaceAll('"', '""')}"${p.prefix ? '*' : ''}`).join(' AND '),
    terms: parts.map((p) => `${p.phrase ? `"${p.text}"` : p.text}${p.prefix ? '*' : ''}`),
    parts,
  };
}
