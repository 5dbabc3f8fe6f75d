import type { HistoryDb, Provider } from '../db/client.js';
import { setSummaryInputSchema } from './context-schemas.js';
import { importInputSchema, importMessagesSchema } from './format-schemas.js';
import type { Limits } from './limits.js';
import {
  appendInputSchema,
  createConversationInputSchema,
  updateConversationInputSchema,
} from './schemas.js';

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
  /** Which SQL dialect the few backend-specific raw statements must speak. */
  provider: Provider;
  /** The isolation scope. Every query filters on it; it never comes from tool input. */
  owner: string;
  limits: Limits;
  schemas: LimitedSchemas;
  /** Interactive transaction timeouts, derived from the busy timeout. */
  tx: { maxWait: number; timeout: number };
}

/** The client handed to an interactive transaction's callback. */
export type Tx = Parameters<Parameters<HistoryDb['$transaction']>[0]>[0];
