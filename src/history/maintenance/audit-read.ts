import { empty, sql } from '../../db/sql.js';
import { AUDIT_SELECT, type AuditRow, smallestV7Id } from '../core/audit.js';
import { instant, int } from '../core/rows.js';
import type { MaintenanceContext } from './context.js';

/** One audit event as stored (snake_case, as `audit` prints it): counts and positions, no content. */
export interface AuditEventRecord {
  id: string;
  at: string;
  owner: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  operation: string;
  conversation_id: string | null;
  first_seq: number | null;
  last_seq: number | null;
  messages: number | null;
  bytes: number | null;
  outcome: string;
}

export interface AuditQuery {
  /** One owner's events; all owners' when absent. */
  owner?: string;
  /** Events at or after this instant. */
  since?: Date;
  /** The id of the last event of the previous page. */
  after?: string;
  limit: number;
}

export interface AuditPage {
  events: AuditEventRecord[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

/**
 * Events oldest first, one page. Ids are UUID v7, so their order is the order of time, and a
 * page is one range of an index: the primary key, or (owner, id) for one owner; `since` narrows
 * the range (smallestV7Id) instead of filtering a scan.
 */
export async function readAudit(ctx: MaintenanceContext, q: AuditQuery): Promise<AuditPage> {
  const rows = await ctx.db.$queryRaw<AuditRow[]>`
    SELECT ${AUDIT_SELECT}
    FROM audit_events
    WHERE ${q.owner === undefined ? sql`1 = 1` : sql`owner = ${q.owner}`}
      ${q.after === undefined ? empty : sql`AND id > ${q.after}`}
      ${q.since === undefined ? empty : sql`AND id >= ${smallestV7Id(q.since)} AND at >= ${q.since}`}
    ORDER BY id LIMIT ${q.limit + 1}`;
  const events = rows.slice(0, q.limit).map(toRecord);
  return { events, next: rows.length > q.limit ? events.at(-1)!.id : null };
}

function toRecord(r: AuditRow): AuditEventRecord {
  const n = (v: number | bigint | null) => (v === null ? null : int(v));
  return {
    id: r.id,
    at: instant(r.at).toISOString(),
    owner: r.owner,
    actor_kind: r.actor_kind,
    actor_id: r.actor_id,
    actor_name: r.actor_name,
    operation: r.operation,
    conversation_id: r.conversation_id,
    first_seq: n(r.first_seq),
    last_seq: n(r.last_seq),
    messages: n(r.messages),
    bytes: n(r.bytes),
    outcome: r.outcome,
  };
}
