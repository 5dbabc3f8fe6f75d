import { v7 as uuidv7 } from 'uuid';
import { AUDIT_COLUMNS } from '../../db/audit-columns.js';
import { join, sql } from '../../db/sql.js';
import type { HistoryDb, Sql } from '../../db/types.js';
import type { Actor } from './actor.js';

/** Every kind of write, as the audit trail names it. */
export const AUDIT_OPERATIONS = [
  'create',
  'update',
  'append',
  'delete',
  'rewind',
  'fork',
  'import',
  'summary',
  'restore',
  'expire',
  'purge',
  'token_create',
  'token_revoke',
  'quota_set',
  'erase',
] as const;
export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

/**
 * What one write did: counts and positions, never content or metadata values. `outcome` says
 * which way it went when an operation has more than one (delete: trashed or deleted; restore:
 * with or without its key); otherwise "ok".
 */
export interface AuditEntry {
  operation: AuditOperation;
  conversationId?: string | null;
  firstSeq?: number | null;
  lastSeq?: number | null;
  /** Messages added or removed. */
  messages?: number | null;
  /** Bytes added or removed (messageBytes). */
  bytes?: number | null;
  outcome?: string;
}

/**
 * The values of one event row, in AUDIT_COLUMNS order. `seqs` replaces first_seq/last_seq with
 * SQL expressions, for a statement that learns them from the rows it writes (the append's
 * INSERT … SELECT in db/*\/append-rows.ts).
 */
export function auditValues(
  owner: string,
  actor: Actor,
  at: Date,
  e: AuditEntry,
  seqs?: { first: Sql; last: Sql },
): Sql {
  return join([
    sql`${uuidv7()}`,
    sql`${at}`,
    sql`${owner}`,
    sql`${actor.kind}`,
    sql`${actor.id ?? null}`,
    sql`${actor.name ?? null}`,
    sql`${e.operation}`,
    sql`${e.conversationId ?? null}`,
    seqs?.first ?? sql`${e.firstSeq ?? null}`,
    seqs?.last ?? sql`${e.lastSeq ?? null}`,
    sql`${e.messages ?? null}`,
    // BIGINT on PostgreSQL: a bound JS number arrives as a double otherwise.
    sql`CAST(${e.bytes ?? null} AS BIGINT)`,
    sql`${e.outcome ?? 'ok'}`,
  ]);
}

/**
 * Record one write. Call it with the transaction's client that made the change: the event
 * commits with the change or not at all.
 */
export async function recordEvent(
  tx: Pick<HistoryDb, '$executeRaw'>,
  owner: string,
  actor: Actor,
  at: Date,
  e: AuditEntry,
): Promise<void> {
  await tx.$executeRaw`INSERT INTO audit_events ${AUDIT_COLUMNS} VALUES (${auditValues(owner, actor, at, e)})`;
}

/** The columns of an audit_events row as the readers select them (AuditRow). */
export const AUDIT_SELECT = sql`id, at, owner, actor_kind, actor_id, actor_name, operation, conversation_id,
  first_seq, last_seq, messages, bytes, outcome`;

/** An audit_events row as raw queries give it (integers may be BigInt, times Date or text). */
export interface AuditRow {
  id: string;
  at: Date | string;
  owner: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  operation: string;
  conversation_id: string | null;
  first_seq: number | bigint | null;
  last_seq: number | bigint | null;
  messages: number | bigint | null;
  bytes: number | bigint | null;
  outcome: string;
}

/**
 * The smallest UUID v7 of the millisecond `at`: its 48-bit timestamp, then zeros. Event ids
 * are v7, so `id >= smallestV7Id(t)` bounds an index range by time; `at >= t` is checked too,
 * because an event's id is made a moment after its `at`.
 */
export function smallestV7Id(at: Date): string {
  const hex = Math.max(0, at.getTime()).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
