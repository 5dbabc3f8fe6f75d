import { sql } from '../../db/sql.js';
import type { Actor } from '../core/actor.js';
import { recordEvent } from '../core/audit.js';
import { int } from '../core/rows.js';
import { type MaintenanceContext, ownerTransaction } from './context.js';
import { type OwnerUsageView, toUsageView, type UsageRow } from './usage-list.js';

/**
 * An owner's quota overrides. `undefined` leaves one as it is; `null` clears it, so the
 * server's default (--max-bytes-per-owner, --max-conversations-per-owner) applies again.
 */
export interface QuotaChange {
  maxBytes?: number | null;
  maxConversations?: number | null;
}

/**
 * Set or clear an owner's overrides (the usage row is made if the owner has none yet) and
 * record a 'quota_set' event whose outcome states both overrides as they now are, e.g.
 * "bytes=1000,conversations=default". A lower quota than the current usage refuses only
 * growth: nothing stored is removed.
 */
export async function setQuota(
  ctx: MaintenanceContext,
  owner: string,
  change: QuotaChange,
  actor: Actor,
): Promise<OwnerUsageView> {
  return ownerTransaction(ctx, owner, async (tx) => {
    const rows = await tx.$queryRaw<UsageRow[]>`
      UPDATE owner_usage SET
        max_bytes = ${change.maxBytes === undefined ? sql`max_bytes` : sql`CAST(${change.maxBytes} AS BIGINT)`},
        max_conversations = ${change.maxConversations === undefined ? sql`max_conversations` : sql`${change.maxConversations}`}
      WHERE owner = ${owner}
      RETURNING owner, conversations, bytes, max_conversations, max_bytes`;
    const row = rows[0]!;
    const shown = (v: number | bigint | null) => (v === null ? 'default' : String(int(v)));
    await recordEvent(tx, owner, actor, new Date(), {
      operation: 'quota_set',
      outcome: `bytes=${shown(row.max_bytes)},conversations=${shown(row.max_conversations)}`,
    });
    return toUsageView(row, ctx.policy);
  });
}
