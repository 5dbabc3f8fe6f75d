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

/** The o200k_base counter, loaded once per process on first use. */
export function loadTokenCounter(): Promise<CountText> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
    ({ countTokens }) => {
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

/** Tokens one message costs in a prompt, by the formula above. */
export function messageTokens(count: CountText, m: CountableMessage): number {
  let tokens = TOKENS_PER_MESSAGE + count(m.role) + count(m.content ?? '');
  if (m.name !== undefined) tokens += TOKENS_PER_NAME + count(m.name);
  if (m.tool_call_id !== undefined) tokens += count(m.tool_call_id);
  for (const c of m.tool_calls ?? []) {
    tokens += TOKENS_PER_TOOL_CALL + count(c.id) + count(c.function.name) + count(c.function.arguments);
  }
  return tokens;
}
