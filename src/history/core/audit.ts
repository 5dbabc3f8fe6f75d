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
