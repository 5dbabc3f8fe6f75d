import type { Policy } from '../core/policy.js';
import { int } from '../core/rows.js';
import type { MaintenanceContext } from './context.js';

/** One owner's usage as the operator sees it: the effective limits and whether they are the owner's own. */
export interface OwnerUsageView {
  owner: string;
  conversations: number;
  bytes: number;
  /** Effective: the override, else the server default; null: unlimited. */
  maxConversations: number | null;
  maxBytes: number | null;
  /** The owner's own override; null: the server default applies. */
  maxConversationsOverride: number | null;
  maxBytesOverride: number | null;
}

export interface UsageRow {
  owner: string;
  conversations: number | bigint;
  bytes: number | bigint;
  max_conversations: number | bigint | null;
  max_bytes: number | bigint | null;
}

export function toUsageView(row: UsageRow, policy: Policy): OwnerUsageView {
  const maxConversationsOverride = row.max_conversations === null ? null : int(row.max_conversations);
  const maxBytesOverride = row.max_bytes === null ? null : int(row.max_bytes);
  return {
    owner: row.owner,
    conversations: int(row.conversations),
    bytes: int(row.bytes),
    maxConversations: maxConversationsOverride ?? policy.maxConversationsPerOwner,
    maxBytes: maxBytesOverride ?? policy.maxBytesPerOwner,
    maxConversationsOverride,
    maxBytesOverride,
  };
}

export interface UsagePage {
  owners: OwnerUsageView[];
  /** The last owner of this page, to pass as `after` for the next; null on the last page. */
  next: string | null;
}

/** Every owner's usage, by owner name, one page of at most `limit` (keyset on the primary key). */
export async function listUsage(ctx: MaintenanceContext, page: { after?: string; limit: number }): Promise<UsagePage> {
  const rows = await ctx.db.$queryRaw<UsageRow[]>`
    SELECT owner, conversations, bytes, max_conversations, max_bytes FROM owner_usage
    WHERE owner > ${page.after ?? ''} ORDER BY owner LIMIT ${page.limit + 1}`;
  const owners = rows.slice(0, page.limit).map((r) => toUsageView(r, ctx.policy));
  return { owners, next: rows.length > page.limit ? owners.at(-1)!.owner : null };
}

/** One owner's usage; an owner that never wrote has none (all zero, the defaults). */
export async function ownerUsage(ctx: MaintenanceContext, owner: string): Promise<OwnerUsageView> {
  const rows = await ctx.db.$queryRaw<UsageRow[]>`
    SELECT owner, conversations, bytes, max_conversations, max_bytes FROM owner_usage WHERE owner = ${owner}`;
  return toUsageView(
    rows[0] ?? { owner, conversations: 0, bytes: 0, max_conversations: null, max_bytes: null },
    ctx.policy,
  );
}
