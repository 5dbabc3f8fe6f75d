import type { Database } from '../db/client.js';
import { appendMessages } from './append.js';
import { completeConversationIds } from './complete.js';
import { getContext } from './context.js';
import {
  createConversation,
  deleteConversation,
  getConversation,
  listConversations,
  updateConversation,
} from './conversations.js';
import { exportConversation } from './export.js';
import { importConversation } from './import.js';
import type { Limits } from './limits.js';
import { forkConversation } from './fork.js';
import { getHistory } from './read.js';
import type { ResponseBudget } from './response-budget.js';
import type { SummaryMessageView } from './context-views.js';
import type { ConversationView, MessageView } from './views.js';
import { deleteMessages } from './rewind.js';
import { limitedSchemas, type LimitedSchemas, type Scope } from './scope.js';
import { searchMessages } from './search.js';
import { setSummary } from './summaries.js';

/**
 * The conversation-memory domain over one database. Every operation takes untrusted input
 * (`unknown`) and validates it itself, so the rules hold for every entry point, not just MCP.
 * Data is only reachable through `forOwner`: there is no way to query without an owner.
 */
export class HistoryStore {
  private readonly schemas: LimitedSchemas;
  private readonly tx: Scope['tx'];

  constructor(
    private readonly database: Pick<Database, 'db' | 'provider'>,
    readonly limits: Limits,
    busyTimeoutMs: number,
  ) {
    this.schemas = limitedSchemas(limits);
    // A transaction may first queue behind others in this process, then wait for another
    // process's write lock (busy timeout): allow for both before giving up and retrying.
    this.tx = { maxWait: busyTimeoutMs, timeout: busyTimeoutMs * 2 };
  }

  forOwner(owner: string): OwnerHistory {
    return new OwnerHistory({ db: this.database.db, provider: this.database.provider, owner, limits: this.limits, schemas: this.schemas, tx: this.tx });
  }
}

/** One owner's memory. What the MCP tools call. */
export class OwnerHistory {
  constructor(private readonly scope: Scope) {}

  get limits(): Limits {
    return this.scope.limits;
  }

  createConversation = (input: unknown) => createConversation(this.scope, input);
  getConversation = (input: unknown) => getConversation(this.scope, input);
  listConversations = (input: unknown, budget?: ResponseBudget<ConversationView>) => listConversations(this.scope, input, budget);
  updateConversation = (input: unknown) => updateConversation(this.scope, input);
  deleteConversation = (input: unknown) => deleteConversation(this.scope, input);
  appendMessages = (input: unknown) => appendMessages(this.scope, input);
  getHistory = (input: unknown, budget?: ResponseBudget<MessageView>) => getHistory(this.scope, input, budget);
  forkConversation = (input: unknown) => forkConversation(this.scope, input);
  deleteMessages = (input: unknown) => deleteMessages(this.scope, input);
  completeConversationIds = (prefix: string) => completeConversationIds(this.scope, prefix);
  getContext = (input: unknown, budget?: ResponseBudget<MessageView | SummaryMessageView>) => getContext(this.scope, input, budget);
  setSummary = (input: unknown) => setSummary(this.scope, input);
  exportConversation = (input: unknown) => exportConversation(this.scope, input);
  importConversation = (input: unknown) => importConversation(this.scope, input);
  searchMessages = (input: unknown) => searchMessages(this.scope, input);
}
