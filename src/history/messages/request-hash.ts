import { createHash } from 'node:crypto';
import type { MessageInput } from './schemas.js';

/**
 * What an idempotency record keeps of its append, to tell a retry from a different append
 * that reuses the key: a hash of the messages in a canonical form, so that two requests that
 * store the same thing hash alike whatever their spelling:
 * - object keys sorted at every level (metadata sent with its keys in another order);
 * - `content` absent the same as `content: null` (both store null).
 * Everything else that differs is stored differently (`""` is not null, `{}` metadata is not
 * absent metadata), so it still makes a different request.
 *
 * The hash carries a version prefix. Records stored before it existed hold a bare sha256 of
 * the messages as parsed (schema key order, metadata keys as sent); they are still compared
 * that way, so an identical retry of such an append replays as it always did.
 */
const CANONICAL_V1 = 'c1:';

export function hashRequest(messages: readonly MessageInput[]): string {
  return CANONICAL_V1 + sha256(canonicalJson(messages.map((m) => ({ ...m, content: m.content ?? null }))));
}

/** Whether `messages` (whose hashRequest is `hash`) is the request a stored record was made for. */
export function sameRequest(stored: string, hash: string, messages: readonly MessageInput[]): boolean {
  return stored.startsWith(CANONICAL_V1) ? stored === hash : stored === legacyRequestHash(messages);
}

/** The hash of records written before the canonical form. */
export function legacyRequestHash(messages: readonly MessageInput[]): string {
  return sha256(JSON.stringify(messages));
}

/** JSON with every object's keys in code-unit order. Validated input: metadata is at most 16 deep. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
