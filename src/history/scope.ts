import type { Dialect, HistoryDb } from '../db/index.js';
import { setSummaryInputSchema } from './context/schemas.js';
import { createConversationInputSchema, updateConversationInputSchema } from './conversations/schemas.js';
import type { Actor } from './core/actor.js';
import type { Limits } from './core/limits.js';
import type { Policy } from './core/policy.js';
import { appendInputSchema } from './messages/schemas.js';
import { importInputSchema, importMessagesSchema } from './transfer/schemas.js';

/** Schemas that depend on the configured limits, built once per store. */
export function limitedSchemas(limits: Limits) {
  return {
    append: appendInputSchema(limits),
    createConversation: createConversationInputSchema(limits),
    updateConversation: updateConversationInputSchema(limits),
    setSummary: setSummaryInputSchema(limits),
    importInput: importInputSchema(limits),
    importMessages: importMessagesSchema(limits),
  };
}
export type LimitedSchemas = ReturnType<typeof limitedSchemas>;

/** Everything a history operation needs: the database, whose data it is, and the rules. */
export interface Scope {
  db: HistoryDb;
  /** The SQL that differs between the backends (full-text search, LIKE, JSON access). */
  dialect: Dialect;
  /** The isolation scope. Every query filters on it; it never comes from tool input. */
  owner: string;
  limits: Limits;
  schemas: LimitedSchemas;
  /** Trash window, retention and quota defaults. */
  policy: Policy;
  /** Who is writing: what the audit trail records for each write. */
  actor: Actor;
  /** Interactive transaction timeouts, derived from the busy timeout. */
  tx: { maxWait: number; timeout: number };
}

/** The client handed to an interactive transaction's callback. */
export type Tx = Parameters<Parameters<HistoryDb['$transaction']>[0]>[0];
