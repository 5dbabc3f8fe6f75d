/**
 * Token counting for context windows.
 *
 * Encoding: o200k_base, the tokenizer of GPT-4o / GPT-4.1 / the o-series, through
 * `gpt-tokenizer` (pure JS; the ranks ship inside the npm package, nothing is downloaded).
 * There is no public tokenizer for Claude or most other models, so for them a count is an
 * estimate; o200k_base is the most recent widely used public encoding and handles non-English
 * text better than cl100k_base.
 *
 * The encoding is imported at first use, never at import time: loading its ranks takes about
 * a quarter of a second and ~60 MB, which a server that never builds a context window should
 * not pay, and which must not delay start-up.
 */

import { pieces } from './token-pieces.js';

export const ENCODING = 'o200k_base';

/**
 * The per-message formula (OpenAI's published chat accounting, extended to tool calls):
 *   message = 3 + tokens(role) + tokens(content)
 *             + (name ? 1 + tokens(name) : 0)
 *             + (tool_call_id ? tokens(tool_call_id) : 0)
 *             + Σ over tool_calls (3 + tokens(id) + tokens(function.name) + tokens(function.arguments))
 *   total   = 3 (the primer of the reply) + Σ message
 * Metadata is not counted: it is not sent to a model.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const TOKENS_PER_TOOL_CALL = 3;
export const REPLY_PRIMER_TOKENS = 3;

/** Tokens of one string. */
export type CountText = (text: string) => number;

/** The fields of a message that reach a model. */
export interface CountableMessage {
  role: string;
  content: string | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: ReadonlyArray<{ id: string; function: { name: string; arguments: string } }>;
}

let loading: Promise<CountText> | undefined;
const MERGE_CACHE_ENTRIES = 10_000;

/** The o200k_base counter, loaded once per process on first use. */
export function loadTokenCounter(): Promise<CountText> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
    ({ countTokens, setMergeCacheSize }) => {
      // The encoder caches the merges of every distinct piece it has seen, up to 100,000 by
      // default: with varied text (every 64-character slice of a random run is new) that is
      // ~100 MB held for good. A tenth keeps common words cached at a tenth of the memory.
      setMergeCacheSize(MERGE_CACHE_ENTRIES);
      // Text such as "<|endoftext|>" in a message is ordinary text to count (as a model API
      // treats user content), not a special token to refuse: allow none, disallow none.
      const options = { disallowedSpecial: new Set<string>() };
      return (text: string) => (text === '' ? 0 : countTokens(text, options));
    },
    (err: unknown) => {
      loading = undefined; // let a later call try again
      throw err;
    },
  );
  return loading;
}

/** The texts of a message that are counted, and the fixed tokens beside them (the formula above). */
function countedParts(m: CountableMessage): { texts: string[]; fixed: number } {
  const texts = [m.role, m.content ?? ''];
  let fixed = TOKENS_PER_MESSAGE;
  if (m.name !== undefined) {
    fixed += TOKENS_PER_NAME;
    texts.push(m.name);
  }
  if (m.tool_call_id !== undefined) texts.push(m.tool_call_id);
  for (const c of m.tool_calls ?? []) {
    fixed += TOKENS_PER_TOOL_CALL;
    texts.push(c.id, c.function.name, c.function.arguments);
  }
  return { texts, fixed };
}

/**
 * Tokens one message costs in a prompt, counting each text whole with `count`. Exact, but BPE
 * is quadratic in the length of an unbroken run: for stored text use a TokenMeter instead.
 */
export function messageTokens(count: CountText, m: CountableMessage): number {
  const { texts, fixed } = countedParts(m);
  return texts.reduce((n, t) => n + count(t), fixed);
}

/** Longest stretch of counting before the event loop gets a turn. */
const SLICE_MS = 8;

/**
 * Counts stored text in time linear in its length (token-pieces.ts), and gives the event loop
 * a turn every few milliseconds, so one owner's long message delays nobody else's request.
 * `estimated` turns true once a text held a run too long to count exactly.
 */
export class TokenMeter {
  estimated = false;
  private since = performance.now();

  constructor(private readonly count: CountText) {}

  /** Tokens of `text`; past `cap` it stops counting and answers a number above `cap`. */
  async text(text: string, cap = Infinity): Promise<number> {
    let tokens = 0;
    for (const piece of pieces(text)) {
      if (tokens > cap) return tokens;
      tokens += this.count(piece.text);
      if (!piece.exact) this.estimated = true;
      if (performance.now() - this.since > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        this.since = performance.now();
      }
    }
    return tokens;
  }

  /**
   * Tokens of one message, and whether that number is the whole count (at most `cap`) and an
   * estimate: what get_context may store for the message (stored-tokens.ts).
   */
  async measure(
    m: CountableMessage,
    cap = Infinity,
  ): Promise<{ tokens: number; complete: boolean; estimated: boolean }> {
    const before = this.estimated;
    this.estimated = false;
    const tokens = await this.message(m, cap);
    const estimated = this.estimated;
    this.estimated ||= before;
    return { tokens, complete: tokens <= cap, estimated };
  }

  /**
   * Tokens of one message by the formula above. With a `cap` (what is left of a budget), it
   * stops once the message is known not to fit: the number answered is then only "above cap".
   */
  async message(m: CountableMessage, cap = Infinity): Promise<number> {
    const { texts, fixed } = countedParts(m);
    let tokens = fixed;
    for (const t of texts) {
      if (tokens > cap) break;
      tokens += await this.text(t, cap - tokens);
    }
    return tokens;
  }
}
