import { z } from 'zod';

/**
 * The instants the store keeps: 0001-01-01T00:00:00.000Z through 9999-12-31T23:59:59.999Z,
 * in UTC after applying the offset a timestamp was written with. Every timestamp that comes
 * in (import data, search filters, list cursors) is checked against this range, because
 * outside it things break later instead of at the door:
 * - `Date.prototype.toISOString()` writes years past 9999 as `+010000-…`, and SQLite keeps
 *   dates as that text: `+` sorts before every digit, so such a row lists as the oldest, and
 *   the list cursor made from it is not an ISO-8601 timestamp any more;
 * - PostgreSQL has no year 0 (`0000-…` is refused by the server);
 * - within the range every stored value is a fixed-width `YYYY-MM-DDTHH:mm:ss.sssZ`, which
 *   sorts as text (SQLite) exactly as it does as a timestamptz(3) (PostgreSQL).
 */
export const EARLIEST_INSTANT = new Date('0001-01-01T00:00:00.000Z');
export const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z');

/** Ends every out-of-range message, so that all of them state the same rule. */
export const INSTANT_RANGE = `between ${EARLIEST_INSTANT.toISOString()} and ${LATEST_INSTANT.toISOString()} (UTC, after applying its offset)`;

export function inInstantRange(d: Date): boolean {
  const t = d.getTime();
  return t >= EARLIEST_INSTANT.getTime() && t <= LATEST_INSTANT.getTime();
}

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * An ISO-8601 date-time with `Z` or an offset, inside the stored range. `field` starts the
 * messages (e.g. "created_at"); the caller's path says where the field is.
 */
export function timestampSchema(field: string) {
  return z
    .string(`${field} must be an ISO-8601 timestamp`)
    .refine((v) => isoDateTime.safeParse(v).success, { message: `${field} must be an ISO-8601 timestamp`, abort: true })
    .refine((v) => inInstantRange(new Date(v)), { message: `${field} must be ${INSTANT_RANGE}` });
}
