import { CLI_ACTOR } from '../core/actor.js';
import { recordEvent } from '../core/audit.js';
import { int } from '../core/rows.js';
import { type MaintenanceContext, ownerTransaction, yieldTurn } from './context.js';
import { purgeConversation } from './purge.js';

/** What an owner holds, as `owner erase` reports it before and after. */
export interface OwnerHoldings {
  /** Live and trashed. */
  conversations: number;
  trashed: number;
  messages: number;
  bytes: number;
  tokens: number;
  auditEvents: number;
}

/** Counted without changing anything: what `owner erase` would delete (shown when --yes is missing). */
export async function ownerHoldings(ctx: MaintenanceContext, owner: string): Promise<OwnerHoldings> {
  const [c] = await ctx.db.$queryRaw<HoldingsRow[]>`
    SELECT CAST(COUNT(*) AS BIGINT) AS conversations,
           CAST(SUM(CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS trashed,
           CAST(SUM(message_count) AS BIGINT) AS messages, CAST(SUM(bytes) AS BIGINT) AS bytes
    FROM conversations WHERE owner = ${owner}`;
  const tokens = await ctx.db.accessToken.count({ where: { owner } });
  const auditEvents = await ctx.db.auditEvent.count({ where: { owner } });
  return {
    conversations: num(c?.conversations),
    trashed: num(c?.trashed),
    messages: num(c?.messages),
    bytes: num(c?.bytes),
    tokens,
    auditEvents,
  };
}

export type Erased = Omit<OwnerHoldings, 'trashed'>;

/** Audit events deleted per statement. */
const AUDIT_CHUNK = 1000;
/** Conversations listed per query. */
const CONVERSATION_BATCH = 100;
/** Search-index merge steps after an erase, at most (each writes up to 64 pages). */
const COMPACT_STEPS_MAX = 100_000;

/**
 * Delete everything of one owner: tokens first (its own HTTP tokens stop working at once),
 * then every conversation, live or trashed, chunked as a purge (messages, tool calls, search
 * rows, summary, idempotency records go with them), then its audit events, and last, in one
 * owner transaction that finds nothing left, its usage row and quota overrides — recording
 * one 'erase' event with the totals and no content. Should the owner write while this runs
 * (a service token, a stdio server still open), what it wrote is found and deleted too.
 */
export async function eraseOwner(ctx: MaintenanceContext, owner: string): Promise<Erased> {
  const erased: Erased = { conversations: 0, messages: 0, bytes: 0, tokens: 0, auditEvents: 0 };
  erased.tokens += await ownerTransaction(
    ctx,
    owner,
    (tx) => tx.$executeRaw`DELETE FROM access_tokens WHERE owner = ${owner}`,
  );
  for (;;) {
    await eraseConversations(ctx, owner, erased);
    erased.auditEvents += await eraseAuditEvents(ctx, owner);
    const finished = await ownerTransaction(ctx, owner, async (tx) => {
      // The owner's usage row is locked: no write of the owner can start until this commits.
      const left = await tx.conversation.findFirst({ where: { owner }, select: { id: true } });
      if (left !== null) return false;
      erased.tokens += await tx.$executeRaw`DELETE FROM access_tokens WHERE owner = ${owner}`;
      erased.auditEvents += await tx.$executeRaw`DELETE FROM audit_events WHERE owner = ${owner}`;
      await tx.$executeRaw`DELETE FROM owner_usage WHERE owner = ${owner}`;
      const now = new Date();
      await recordEvent(tx, owner, CLI_ACTOR, now, {
        operation: 'erase',
        messages: erased.messages,
        bytes: erased.bytes,
        outcome: `conversations=${erased.conversations},tokens=${erased.tokens},audit_events=${erased.auditEvents}`,
      });
      return true;
    });
    if (finished) {
      await compactSearchIndex(ctx);
      return erased;
    }
  }
}

/**
 * Clear the erased words out of the search index's own storage too (SQLite's FTS5 keeps a
 * deleted row's terms until its segments are merged), one short merge step at a time so the
 * write lock is never held for long. The cap only guards against a writer so busy that the
 * merging never ends; by then the erased rows' segments are long merged.
 */
async function compactSearchIndex(ctx: MaintenanceContext): Promise<void> {
  for (let step = 0; step < COMPACT_STEPS_MAX && (await ctx.dialect.compactSearchIndex(ctx.db)); step++) {
    await yieldTurn();
  }
}

async function eraseConversations(ctx: MaintenanceContext, owner: string, erased: Erased): Promise<void> {
  for (;;) {
    // Each one found is deleted before the next query: no keyset needed.
    const batch = await ctx.db.conversation.findMany({
      where: { owner },
      select: { id: true },
      take: CONVERSATION_BATCH,
    });
    for (const { id } of batch) {
      const purged = await purgeConversation(ctx, owner, id, { kind: 'any' });
      if (purged === null) continue;
      erased.conversations++;
      erased.messages += purged.messages;
      erased.bytes += purged.bytes;
      await yieldTurn();
    }
    if (batch.length < CONVERSATION_BATCH) return;
  }
}

/** The owner's events, in chunks through the (owner, id) index: a year of appends is many. */
async function eraseAuditEvents(ctx: MaintenanceContext, owner: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const n = await ctx.db.$executeRaw`
      DELETE FROM audit_events WHERE id IN (
        SELECT id FROM audit_events WHERE owner = ${owner} ORDER BY id LIMIT ${AUDIT_CHUNK})`;
    deleted += n;
    if (n < AUDIT_CHUNK) return deleted;
    await yieldTurn();
  }
}

interface HoldingsRow {
  conversations: number | bigint | null;
  trashed: number | bigint | null;
  messages: number | bigint | null;
  bytes: number | bigint | null;
}

/** The sums are cast to BIGINT (PostgreSQL would answer SUM of a BIGINT as NUMERIC); NULL over no rows. */
function num(v: number | bigint | null | undefined): number {
  return v === null || v === undefined ? 0 : int(v);
}
