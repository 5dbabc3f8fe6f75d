/**
 * The response budget: every tool result, resource and prompt is at most
 * `limits.maxResponseBytes` as serialized JSON (structured result and text rendering
 * together), well under the 10 MiB frame that the MCP SDK's stdio transport accepts: a page
 * that cannot hold everything stops early and says where to continue (has_more, next_cursor,
 * stopped_by). Sizes are counted as JSON writes them — a control character costs six bytes,
 * a quote two — because escape-heavy text is what overran the frame before.
 */

/** Bytes a response spends beside its items: JSON-RPC envelope, headers, counts, cursors. */
export const RESPONSE_RESERVE = 16 * 1024;

/** What a list operation may return: the byte budget and what one item costs in it. */
export interface ResponseBudget<T> {
  bytes: number;
  /** Bytes the item adds to the response, its text rendering included. */
  cost(item: T): number;
  /**
   * A cheap upper bound of cost(item), from string lengths alone: a page whose bounds fit is
   * taken whole without serializing anything (the common case: a page of ordinary messages
   * is far below the budget).
   */
  bound?(item: T): number;
}

/**
 * UTF-8 bytes of `JSON.stringify(text)`, counted without building it: the quotes, two-byte
 * escapes (\" \\ \n …), six-byte \u00XX for other controls and lone surrogates.
 */
export function jsonTextBytes(text: string): number {
  return 2 + escapedBytes(text, text.length, Infinity).bytes;
}

/** The longest prefix of `text` that takes at most `maxBytes` as a JSON string (surrogate pairs kept whole). */
export function jsonTextPrefix(text: string, maxBytes: number): string {
  return text.slice(0, escapedBytes(text, text.length, maxBytes - 2).end);
}

/** Escaped UTF-8 bytes of text[0, end), stopping before the character that would pass `limit`. */
function escapedBytes(text: string, end: number, limit: number): { bytes: number; end: number } {
  let bytes = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    let size: number;
    let width = 1;
    if (c < 0x20) size = c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c === 0x22 || c === 0x5c) size = 2;
    else if (c < 0x80) size = 1;
    else if (c < 0x800) size = 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      size = 4;
      width = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) size = 6;
    else size = 3;
    if (bytes + size > limit) return { bytes, end: i };
    bytes += size;
    i += width - 1;
  }
  return { bytes, end };
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** UTF-8 bytes of a value as JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}

/**
 * The longest prefix of `items` whose costs fit `budget.bytes`, at least one item (a caller
 * that cannot afford even that one finds out from the response guard, which refuses it).
 */
export function fitPrefix<T>(items: readonly T[], budget: ResponseBudget<T>): T[] {
  if (budget.bound !== undefined) {
    let bounded = 0;
    for (const item of items) bounded += budget.bound(item);
    if (bounded <= budget.bytes) return [...items];
  }
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    used += budget.cost(items[i]!);
    if (used > budget.bytes && i > 0) return items.slice(0, i);
  }
  return [...items];
}

/**
 * At most what text of `chars` UTF-16 units costs as JSON in a structured result AND again in
 * a text rendering: 6 bytes a unit at most each time (a control character), 7 for text that
 * the rendering quotes as JSON first (a title, metadata) — 14 covers both, whatever the text.
 */
export function charsBound(chars: number, fixed = 1024): number {
  return 14 * chars + fixed;
}

/** Items of a structured result, each twice: as JSON, and as the text block that renders it. */
export function structuredAndText<T>(render: (item: T) => string): (item: T) => number {
  // +4: the blank line ("\n\n", escaped) between text blocks; +1: the comma between array items.
  return (item) => jsonBytes(item) + 1 + jsonTextBytes(render(item)) + 4;
}

/** What a budget for `limits` leaves to the items of one response. */
export function itemBytes(maxResponseBytes: number): number {
  return Math.max(0, maxResponseBytes - RESPONSE_RESERVE);
}

/**
 * The budget when the caller names none: the items once as structured JSON and once more as
 * text of the same size (what the tools' renderings come to for plain text).
 */
export function defaultBudget<T>(maxResponseBytes: number): ResponseBudget<T> {
  return { bytes: itemBytes(maxResponseBytes), cost: (item) => 2 * jsonBytes(item) };
}
