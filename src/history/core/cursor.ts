import type { z } from 'zod';
import { HistoryError } from './errors.js';

/**
 * Opaque cursors: a short JSON tuple in base64url. Each paged operation puts its position in
 * one (a keyset position, never an offset, so a page costs the same however deep it is) and
 * checks what comes back with its own schema, so a forged or foreign cursor is a clear error
 * naming `cursor`, and never reaches the database.
 */

const NOT_VALID =
  'cursor is not valid: pass next_cursor from the previous page unchanged, or omit it for the first page';

export function encodeCursor(payload: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The payload of `cursor` if `schema` accepts it; otherwise the error `invalid` says what to do. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S, invalid = NOT_VALID): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new HistoryError('invalid_input', invalid, 'cursor');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HistoryError('invalid_input', invalid, 'cursor');
  return parsed.data;
}
