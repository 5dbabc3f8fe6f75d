/**
 * Input limits. The configurable ones protect the database and keep every request and
 * response well below the MCP stdio transport's 10 MB per-message ceiling, so an agent gets a
 * clear error instead of a dropped connection.
 */
export interface Limits {
  /** UTF-8 bytes of one message's content, and of one tool call's `arguments`. */
  maxContentBytes: number;
  /** Messages in one append_messages call. */
  maxMessagesPerCall: number;
  /** UTF-8 bytes of one metadata object, serialized as JSON. */
  maxMetadataBytes: number;
  /** Top-level keys of one metadata object. */
  maxMetadataKeys: number;
  /** UTF-8 bytes of everything one append_messages call stores. */
  maxBatchBytes: number;
  /**
   * Bytes of one response as serialized JSON (result and text rendering together): the
   * response budget (response-budget.ts). A message must fit in it to be read back whole.
   */
  maxResponseBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxContentBytes: 256 * 1024,
  maxMessagesPerCall: 100,
  maxMetadataBytes: 16 * 1024,
  maxMetadataKeys: 64,
  maxBatchBytes: 4 * 1024 * 1024,
  maxResponseBytes: 4 * 1024 * 1024,
};

/** Bounds that are part of the contract rather than tuning knobs. */
export const FIXED_LIMITS = {
  conversationIdChars: 100,
  titleChars: 500,
  keyChars: 200,
  nameChars: 128,
  toolCallIdChars: 200,
  toolCallsPerMessage: 128,
  functionNameChars: 128,
  idempotencyKeyChars: 200,
  metadataDepth: 16,
  /** get_history: page size default and maximum. */
  historyDefault: 50,
  historyMax: 500,
  /** list_conversations: page size default and maximum. */
  listDefault: 20,
  listMax: 100,
  /** search_messages: page size default and maximum, and the longest query accepted. */
  searchDefault: 20,
  searchMax: 100,
  searchQueryChars: 1000,
  /** import_conversation: messages in one import (append's per-call cap does not apply). */
  importMessagesMax: 10_000,
  /** import_conversation: stored bytes of one import, as a multiple of maxBatchBytes. */
  importBatchFactor: 16,
  /** export_conversation: UTF-8 bytes of one rendered page (a page holds at least one message). */
  exportPageBytes: 80 * 1024,
} as const;

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** What one message stores, in UTF-8 bytes: content, tool call arguments and metadata. */
export function messageBytes(m: {
  content?: string | null;
  tool_calls?: ReadonlyArray<{ function: { arguments: string } }>;
  metadata?: Record<string, unknown>;
}): number {
  let total = utf8Bytes(m.content ?? '');
  for (const c of m.tool_calls ?? []) total += utf8Bytes(c.function.arguments);
  if (m.metadata !== undefined) total += utf8Bytes(JSON.stringify(m.metadata));
  return total;
}

/**
 * The largest request either transport reads: the HTTP body limit and the stdio line limit (a
 * limit of the transports, derived from the store's: import_conversation's description names it).
 * One append stores at most maxBatchBytes, but JSON escaping can grow it (a client that
 * escapes non-ASCII writes 6 bytes for a 2- or 3-byte character, a control character is 6
 * bytes whatever the client): twice the batch limit plus a MiB for the envelope admits every
 * append a reasonable client makes of stored text, and with the defaults (9 MiB) stays under
 * the 10 MiB line at which the SDK's stdio transport would otherwise close the session.
 * Anything larger is refused with an error that says so, on both transports.
 */
export function maxRequestBytes(maxBatchBytes: number): number {
  return 2 * maxBatchBytes + 1024 * 1024;
}
