import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SearchPosition } from '../../db/index.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import { HistoryError } from '../core/errors.js';
import { MAX_SEQ } from '../core/fields.js';

/**
 * Opaque keyset cursor for search_messages: the (score, FTS row) of the last hit served,
 * plus a fingerprint of the search it belongs to. Hits are ordered by (score, row), so the
 * next page is "everything after this pair" — no offset to count past. The fingerprint turns
 * a cursor reused with a different query or filters into a clear error instead of a page
 * of some other search.
 */
export type { SearchPosition } from '../../db/index.js';

// The row key is a 32-bit INTEGER column: a forged larger one must not reach the database.
const payload = z.tuple([z.number(), z.int().min(0).max(MAX_SEQ), z.string().length(16)]);

export function searchFingerprint(search: unknown): string {
  return createHash('sha256').update(JSON.stringify(search)).digest('hex').slice(0, 16);
}

export function encodeSearchCursor(pos: SearchPosition, fingerprint: string): string {
  return encodeCursor([pos.score, pos.ftsRowid, fingerprint]);
}

export function decodeSearchCursor(cursor: string, fingerprint: string): SearchPosition {
  const [score, ftsRowid, of] = decodeCursor(cursor, payload);
  if (of !== fingerprint) {
    throw new HistoryError(
      'invalid_input',
      'cursor belongs to a different search: repeat the query and filters of the page that returned it, or omit cursor to start over',
      'cursor',
    );
  }
  return { score, ftsRowid };
}
