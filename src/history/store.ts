import type { Database } from '../db/index.js';
import { getUsage } from './account/get-usage.js';
import { listAuditEvents } from './account/list-audit-events.js';
import { getContext } from './context/get-context.js';
import { getSummary } from './context/get-summary.js';
import type { SummaryMessageView } from './context/schemas.js';
import { setSummary } from './context/set-summary.js';
import { completeConversationIds } from './conversations/complete-ids.js';
import { createConversation } from './conversations/create.js';
import { deleteConversation } from './conversations/delete.js';
import { forkConversation } from './conversations/fork.js';
import { getConversation } from './conversations/get.js';
import { listConversations } from './conversations/list.js';
import { restoreConversation } from './conversations/restore.js';
import type { ConversationView } from './conversations/schemas.js';
import { updateConversation } from './conversations/update.js';
import type { Actor } from './core/actor.js';
import type { Limits } from './core/limits.js';
import { DEFAULT_POLICY, type Policy } from './core/policy.js';
import type { ResponseBudget } from './core/response-budget.js';
import { Maintenance } from './maintenance/maintenance.js';
import { appendMessages } from './messages/append.js';
import { deleteMessages } from './messages/delete-messages.js';
import { getHistory } from './messages/get-history.js';
import type { MessageView } from './messages/schemas.js';
import { type LimitedSchemas, limitedSchemas, type Scope } from './scope.js';
import { searchMessages } from './search/search.js';
import { exportConversation } from './transfer/export.js';
import { importConversation } from './transfer/import.js';

/**
 * The conversation-memory domain over one database. Every operation takes untrusted input
 * (`unknown`) and validates it itself, so the rules hold for every entry point, not just MCP.
 * Data is only reachable through `forOwner`: there is no way to query without an owner.
 */
export class HistoryStore {
  private readonly schemas: LimitedSchemas;
  private readonly tx: Scope['tx'];

  constructor(
    private readonly database: Pick<Database, 'db' | 'dialect'>,
    readonly limits: Limits,
    busyTimeoutMs: number,
    /** Trash window, retention, quota defaults (config.ts); the defaults of policy.ts if absent. */
    readonly policy: Policy = DEFAULT_POLICY,
  ) {
    this.schemas = limitedSchemas(limits);
    // A transaction may first queue behind others in this process, then wait for another
    // process's write lock (busy timeout): allow for both before giving up and retrying.
    this.tx = { maxWait: busyTimeoutMs, timeout: busyTimeoutMs * 2 };
  }

  /** The operator's retention, erasure, quotas and audit trail: never an owner's (see maintenance/). */
  get maintenance(): Maintenance {
    return new Maintenance({ db: this.database.db, dialect: this.database.dialect, policy: this.policy, tx: this.tx });
  }

  /**
   * `actor` is who the audit trail names for this owner's writes; an MCP server names the
   * caller per request instead (OwnerHistory.as).
   */
  forOwner(owner: string, actor: Actor = { kind: 'local' }): OwnerHistory {
    return new OwnerHistory({
      db: this.database.db,
      dialect: this.database.dialect,
      owner,
      limits: this.limits,
      schemas: this.schemas,
      tx: this.tx,
      policy: this.policy,
      actor,
    });
  }
}

/** One owner's memory. What the MCP tools call. */
export class OwnerHistory {
  constructor(private readonly scope: Scope) {}

  get limits(): Limits {
    return this.scope.limits;
  }

  /** The same owner's memory, with writes recorded as made by `actor`. */
  as(actor: Actor): OwnerHistory {
    return new OwnerHistory({ ...this.scope, actor });
  }

  createConversation = (input: unknown) => createConversation(this.scope, input);
  getConversation = (input: unknown) => getConversation(this.scope, input);
  listConversations = (input: unknown, budget?: ResponseBudget<ConversationView>) =>
    listConversations(this.scope, input, budget);
  updateConversation = (input: unknown) => updateConversation(this.scope, input);
  deleteConversation = (input: unknown) => deleteConversation(this.scope, input);
  restoreConversation = (input: unknown) => restoreConversation(this.scope, input);
  appendMessages = (input: unknown) => appendMessages(this.scope, input);
  getHistory = (input: unknown, budget?: ResponseBudget<MessageView>) => getHistory(this.scope, input, budget);
  forkConversation = (input: unknown) => forkConversation(this.scope, input);
  deleteMessages = (input: unknown) => deleteMessages(this.scope, input);
  completeConversationIds = (prefix: string) => completeConversationIds(this.scope, prefix);
  getContext = (input: unknown, budget?: ResponseBudget<MessageView | SummaryMessageView>) =>
    getContext(this.scope, input, budget);
  setSummary = (input: unknown) => setSummary(this.scope, input);
  getSummary = (input: unknown) => getSummary(this.scope, input);
  exportConversation = (input: unknown) => exportConversation(this.scope, input);
  importConversation = (input: unknown) => importConversation(this.scope, input);
  searchMessages = (input: unknown) => searchMessages(this.scope, input);
  listAuditEvents = (input: unknown) => listAuditEvents(this.scope, input);
  getUsage = () => getUsage(this.scope);
}
