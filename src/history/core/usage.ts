import type { HistoryDb } from '../../db/types.js';
import { HistoryError } from './errors.js';
import type { Policy } from './policy.js';
import { int } from './rows.js';

/**
 * What an owner stores and may store. The usage row (owner_usage) is changed in the same
 * transaction as every write that adds or removes a live conversation or message bytes; the
 * trash does not count (a deleted conversation frees its share at once, and restoring it
 * must fit the quota again). Bytes are messageBytes() of each message (core/limits.ts).
 */
export interface OwnerUsage {
  conversations: number;
  bytes: number;
  /** Effective limits: the owner's override, else the server's default; null: unlimited. */
  maxConversations: number | null;
  maxBytes: number | null;
}

type Raw = Pick<HistoryDb, '$queryRaw' | '$executeRaw'>;

interface UsageRow {
  conversations: number | bigint;
  bytes: number | bigint;
  max_conversations: number | bigint | null;
  max_bytes: number | bigint | null;
}

function toUsage(row: UsageRow | undefined, policy: Policy): OwnerUsage {
  const override = (v: number | bigint | null | undefined) => (v === null || v === undefined ? null : int(v));
  return {
    conversations: row === undefined ? 0 : int(row.conversations),
    bytes: row === undefined ? 0 : int(row.bytes),
    maxConversations: override(row?.max_conversations) ?? policy.maxConversationsPerOwner,
    maxBytes: override(row?.max_bytes) ?? policy.maxBytesPerOwner,
  };
}

/**
 * The first statement of every write transaction of an owner: creates the owner's usage row
 * if need be and locks it. A write first takes SQLite's write lock at once (see
 * ENVIRONMENT.md), and on PostgreSQL every writer of one owner takes the row lock before any
 * other, in the same order, so quota checks are exact under concurrency and cannot deadlock.
 */
export async function lockUsage(tx: Raw, owner: string, policy: Policy): Promise<OwnerUsage> {
  const rows = await tx.$queryRaw<UsageRow[]>`
    INSERT INTO owner_usage (owner, conversations, bytes) VALUES (${owner}, 0, 0)
    ON CONFLICT (owner) DO UPDATE SET conversations = owner_usage.conversations
    RETURNING conversations, bytes, max_conversations, max_bytes`;
  return toUsage(rows[0], policy);
}

/** The owner's usage without locking anything (get_usage, the CLI). */
export async function readUsage(db: Raw, owner: string, policy: Policy): Promise<OwnerUsage> {
  const rows = await db.$queryRaw<UsageRow[]>`
    SELECT conversations, bytes, max_conversations, max_bytes FROM owner_usage WHERE owner = ${owner}`;
  return toUsage(rows[0], policy);
}

/** Add (or with negative numbers remove) conversations and bytes. The row exists: lockUsage made it. */
export async function addUsage(tx: Raw, owner: string, delta: { conversations?: number; bytes?: number }) {
  const conversations = delta.conversations ?? 0;
  const bytes = delta.bytes ?? 0;
  if (conversations === 0 && bytes === 0) return;
  await tx.$executeRaw`UPDATE owner_usage
    SET conversations = conversations + ${conversations}, bytes = bytes + CAST(${bytes} AS BIGINT)
    WHERE owner = ${owner}`;
}

/**
 * Refuse a write that would take the owner over a quota, naming the quota, the usage and the
 * limit. Only growth is checked: a write that removes data is never refused, even over a
 * quota that was lowered below the usage.
 */
export function checkQuota(usage: OwnerUsage, add: { conversations?: number; bytes?: number }, what: string): void {
  const conversations = add.conversations ?? 0;
  const bytes = add.bytes ?? 0;
  if (
    conversations > 0 &&
    usage.maxConversations !== null &&
    usage.conversations + conversations > usage.maxConversations
  ) {
    throw quotaExceeded('conversations', usage.conversations, conversations, usage.maxConversations, what);
  }
  if (bytes > 0 && usage.maxBytes !== null && usage.bytes + bytes > usage.maxBytes) {
    throw quotaExceeded('bytes', usage.bytes, bytes, usage.maxBytes, what);
  }
}

function quotaExceeded(
  quota: 'conversations' | 'bytes',
  usage: number,
  adding: number,
  limit: number,
  what: string,
): HistoryError {
  const n = (v: number) => v.toLocaleString('en-US');
  const unit = quota === 'bytes' ? 'stored bytes' : 'conversations';
  return new HistoryError(
    'quota_exceeded',
    `quota exceeded: ${unit} quota — usage ${n(usage)} + ${n(adding)} for ${what} = ${n(usage + adding)}, ` +
      `over the limit of ${n(limit)}. Nothing was stored. Free space by deleting conversations ` +
      '(the trash does not count) or ask the operator to raise the quota; get_usage shows usage and limits.',
    quota === 'bytes' ? 'messages' : 'conversation',
  );
}
