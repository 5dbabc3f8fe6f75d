/**
 * How long things are kept and how much one owner may store: the operator's settings
 * (config.ts) that the history layer applies. Per-owner quota overrides live in the database
 * (owner_usage, set with `chat-history-mcp owner quota`) and win over the defaults here.
 */
export interface Policy {
  /** Days a deleted or expired conversation stays in the trash, restorable; 0 deletes at once. */
  trashDays: number;
  /** Days without activity after which a conversation goes to the trash; null: never. */
  retainDays: number | null;
  /** Days an audit event is kept; null: forever. */
  auditRetainDays: number | null;
  /** Default per-owner quotas; null: unlimited. */
  maxBytesPerOwner: number | null;
  maxConversationsPerOwner: number | null;
}

export const DEFAULT_POLICY: Policy = {
  trashDays: 7,
  retainDays: null,
  auditRetainDays: 365,
  maxBytesPerOwner: null,
  maxConversationsPerOwner: null,
};

export const DAY_MS = 86_400_000;

/** `days` days after `from`. */
export function daysAfter(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}
