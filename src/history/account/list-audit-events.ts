import { z } from 'zod';
import { empty, join, sql } from '../../db/sql.js';
import type { Sql } from '../../db/types.js';
import type { ActorKind } from '../core/actor.js';
import { AUDIT_SELECT, type AuditOperation, type AuditRow, smallestV7Id } from '../core/audit.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import { instant, int } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import { AUDIT_PAGE, type AuditEventView, type AuditPageView, listAuditEventsInputSchema } from './schemas.js';

const cursorPayload = z.tuple([z.string().min(1).max(100)]);

/**
 * Events one call examines at most. The owner (and conversation) bound the index range; the
 * operation and time filters are tested on the rows, so a filter that matches little would
 * otherwise read every event the owner ever had. A page that reaches this many answers what it
 * found with a cursor to go on from there.
 */
export const AUDIT_SCAN_MAX = 5_000;

/**
 * list_audit_events: the owner's own audit trail, newest first, a page at a time (keyset on
 * the time-ordered id, served by the (owner, id) and (owner, conversation_id, id) indexes).
 * Events hold counts and positions only, never content or metadata values.
 */
export async function listAuditEvents(s: Scope, raw: unknown): Promise<AuditPageView> {
  const input = parseInput(listAuditEventsInputSchema, raw);
  const limit = input.limit ?? AUDIT_PAGE.default;
  const before = input.cursor === undefined ? undefined : decodeCursor(input.cursor, cursorPayload)[0];
  const since = input.since === undefined ? undefined : new Date(input.since);
  // The index range: the owner (and conversation), below the cursor, back to `since` (ids are
  // time-ordered: smallestV7Id). The operation filter alone is tested row by row.
  const range = [
    sql`owner = ${s.owner}`,
    input.conversation_id !== undefined && sql`conversation_id = ${input.conversation_id}`,
    before !== undefined && sql`id < ${before}`,
    since !== undefined && sql`id >= ${smallestV7Id(since)} AND at >= ${since}`,
  ].filter((c): c is Sql => c !== false);
  const where = join(range, ' AND ');

  // The window this call may examine: the next AUDIT_SCAN_MAX events of the range.
  const [window] = await s.db.$queryRaw<Array<{ end_id: string | null; n: number | bigint }>>`
    SELECT MIN(id) AS end_id, COUNT(*) AS n
    FROM (SELECT id, at FROM audit_events WHERE ${where} ORDER BY id DESC LIMIT ${AUDIT_SCAN_MAX}) w`;
  const endId = window?.end_id ?? null;
  if (endId === null) return { events: [], next_cursor: null };

  const rows = await s.db.$queryRaw<AuditRow[]>`
    SELECT ${AUDIT_SELECT}
    FROM audit_events
    WHERE ${where} AND id >= ${endId}
      ${input.operation === undefined ? empty : sql`AND operation = ${input.operation}`}
    ORDER BY id DESC
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit).map(toAuditEventView);
  const last = page.at(-1);
  if (rows.length > limit && last !== undefined) return { events: page, next_cursor: encodeCursor([last.id]) };
  // The page ends inside the window: older events of the range remain only if it was full.
  const full = int(window!.n) === AUDIT_SCAN_MAX;
  return { events: page, next_cursor: full ? encodeCursor([endId]) : null };
}

export function toAuditEventView(r: AuditRow): AuditEventView {
  const optionalInt = (v: number | bigint | null) => (v === null ? undefined : int(v));
  const view: AuditEventView = {
    id: r.id,
    at: instant(r.at).toISOString(),
    operation: r.operation as AuditOperation,
    conversation_id: r.conversation_id,
    actor: {
      kind: r.actor_kind as ActorKind,
      ...(r.actor_id !== null && { id: r.actor_id }),
      ...(r.actor_name !== null && { name: r.actor_name }),
    },
    outcome: r.outcome,
  };
  const firstSeq = optionalInt(r.first_seq);
  const lastSeq = optionalInt(r.last_seq);
  const messages = optionalInt(r.messages);
  const bytes = optionalInt(r.bytes);
  if (firstSeq !== undefined) view.first_seq = firstSeq;
  if (lastSeq !== undefined) view.last_seq = lastSeq;
  if (messages !== undefined) view.messages = messages;
  if (bytes !== undefined) view.bytes = bytes;
  return view;
}
