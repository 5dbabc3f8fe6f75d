import { type Actor, CLI_ACTOR } from '../core/actor.js';
import { type AuditPage, type AuditQuery, readAudit } from './audit-read.js';
import type { MaintenanceContext } from './context.js';
import { type Erased, eraseOwner, type OwnerHoldings, ownerHoldings } from './erase.js';
import { type QuotaChange, setQuota } from './quota.js';
import { type SweepOptions, type SweepResult, sweep } from './sweep.js';
import { listUsage, type OwnerUsageView, ownerUsage, type UsagePage } from './usage-list.js';

/**
 * The operator's side of the store: retention, erasure, quotas and the audit trail across
 * owners. Never reachable from an MCP tool (those only get OwnerHistory): the server's sweep
 * and the CLI commands (`purge`, `audit`, `owner …`) use it.
 */
export class Maintenance {
  constructor(private readonly ctx: MaintenanceContext) {}

  /** Expire, purge and prune the audit trail until nothing due is left (see sweep.ts). */
  sweep = (options?: SweepOptions): Promise<SweepResult> => sweep(this.ctx, options);

  /** What erase would delete. */
  holdings = (owner: string): Promise<OwnerHoldings> => ownerHoldings(this.ctx, owner);

  /** Delete everything of one owner, recording one 'erase' event. */
  erase = (owner: string): Promise<Erased> => eraseOwner(this.ctx, owner);

  setQuota = (owner: string, change: QuotaChange, actor: Actor = CLI_ACTOR): Promise<OwnerUsageView> =>
    setQuota(this.ctx, owner, change, actor);

  usage = (owner: string): Promise<OwnerUsageView> => ownerUsage(this.ctx, owner);

  listUsage = (page: { after?: string; limit: number }): Promise<UsagePage> => listUsage(this.ctx, page);

  audit = (query: AuditQuery): Promise<AuditPage> => readAudit(this.ctx, query);
}
