import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import { timestampSchema } from '../core/timestamps.js';

/**
 * list_conversations' cursor: the (updated_at, id) of the last row served. Keyset rather than
 * offset, so rows that move (new activity) are neither skipped nor served twice in one walk.
 */
export interface ListPosition {
  updatedAt: Date;
  id: string;
}

// Only an instant the store can hold: a forged one must not reach the database (PostgreSQL
// refuses year 0), and every row's own instant is in that range (see core/timestamps.ts).
const payload = z.tuple([timestampSchema('cursor'), z.string().min(1).max(100)]);

export function encodeListCursor(pos: ListPosition): string {
  return encodeCursor([pos.updatedAt.toISOString(), pos.id]);
}

export function decodeListCursor(cursor: string): ListPosition {
  const [updatedAt, id] = decodeCursor(cursor, payload);
  return { updatedAt: new Date(updatedAt), id };
}
