import { jsonDepthExceeds } from '../../core/json-depth.js';

/**
 * Tool-call `arguments` are a string, stored and returned byte-for-byte; two formats show them
 * as JSON instead: anthropic (a tool_use block's `input` object) and markdown (pretty-printed).
 * Both do so only for JSON nested at most ARGUMENTS_JSON_DEPTH levels (arrays and objects);
 * deeper arguments stay the original string (anthropic: `{ "_raw": "<arguments>" }`,
 * markdown: the text as-is).
 *
 * Why a bound: JSON.parse reads any depth without recursion, but JSON.stringify,
 * structuredClone and every recursive walk (zod, the SDK, the client) overflow the stack
 * somewhere past 1,500–4,000 levels, depending on how deep the stack already is. A parsed
 * value deeper than the bound never leaves the server; the string always can.
 */
export const ARGUMENTS_JSON_DEPTH = 64;

/** `args` parsed, when it is JSON nested at most ARGUMENTS_JSON_DEPTH levels. */
export function argumentsAsJson(args: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    return undefined;
  }
  return jsonDepthExceeds(value, ARGUMENTS_JSON_DEPTH) ? undefined : { value };
}

/** Whether a JSON value (e.g. an imported tool_use `input`) is nested deeper than the bound. */
export function tooDeepForArguments(value: unknown): boolean {
  return jsonDepthExceeds(value, ARGUMENTS_JSON_DEPTH);
}

/**
 * Pretty-printing adds a line and its indentation per value, so it can grow a compact text
 * many times over (each `1,` at depth 60 becomes a 124-byte line). It is used only while the
 * result stays within this many times the original plus PRETTY_SLACK: a transcript's size
 * stays proportional to what was stored.
 */
const PRETTY_GROWTH = 3;
const PRETTY_SLACK = 1024;

/**
 * Arguments for a transcript: `json` when they parse as JSON; `text` pretty-printed when they
 * are within the depth bound and pretty-printing keeps them within the growth bound, else
 * the original string.
 */
export function displayArguments(args: string): { json: boolean; text: string } {
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    return { json: false, text: args };
  }
  if (jsonDepthExceeds(value, ARGUMENTS_JSON_DEPTH)) return { json: true, text: args };
  const cap = PRETTY_GROWTH * args.length + PRETTY_SLACK;
  return { json: true, text: prettyLength(value, cap) <= cap ? JSON.stringify(value, null, 2) : args };
}

/**
 * The length of `JSON.stringify(value, null, 2)` (a JSON.parse result), counted without
 * building it and without recursion; Infinity as soon as it passes `cap`.
 */
export function prettyLength(value: unknown, cap: number): number {
  let total = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') {
      total += JSON.stringify(v).length;
    } else {
      const keys = Array.isArray(v) ? null : Object.keys(v);
      const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
      const n = children.length;
      // Brackets; then per child a newline and its indent, commas between children, and a
      // newline and indent before the closing bracket. An empty one is just its brackets.
      total += 2;
      if (n > 0) total += n * (1 + 2 * (depth + 1)) + (n - 1) + 1 + 2 * depth;
      // Per key: the key as a JSON string, then ": ".
      for (const k of keys ?? []) total += JSON.stringify(k).length + 2;
      for (const child of children) stack.push([child, depth + 1]);
    }
    if (total > cap) return Infinity;
  }
  return total;
}
