import { z } from 'zod';
import { HistoryError } from './errors.js';
import { timestampSchema } from './timestamps.js';

/**
 * Opaque keyset cursor for list_conversations: the (updated_at, id) of the last row served.
 * Keyset rather than offset so a page costs the same however deep it is, and rows that
 * move (new activity) are neither skipped twice nor served twice within one walk.
 */
export interface ListPosition {
  updatedAt: Date;
  id: string;
}

// Only an instant the store can hold: a forged one must not reach the database (PostgreSQL
// refuses year 0), and every row's own instant is in that range (see timestamps.ts).
const payload = z.tuple([timestampSchema('cursor'), z.string().min(1).max(100)]);

export function encodeCursor(pos: ListPosition): string {
  return Buffer.from(JSON.stringify([pos.updatedAt.toISOString(), pos.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const [updatedAt, id] = payload.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { updatedAt: new Date(updatedAt), id };
  } catch {
    throw new HistoryError(
      'invalid_input',
      'cursor is not valid: pass next_cursor from the previous page unchanged, or omit it for the first page',
      'cursor',
    );
  }
}
