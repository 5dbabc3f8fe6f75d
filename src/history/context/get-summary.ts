import { conversationRefSchema } from '../conversations/schemas.js';
import { conversationNotFound } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';

export interface SummaryView {
  through_seq: number;
  created_at: string;
  content: string;
}

/**
 * The conversation's current summary as set_summary stored it, or null: what a person looking
 * at the conversation (the web viewer) sees beside the messages it covers. get_context puts it
 * in the model's context instead.
 */
export async function getSummary(s: Scope, raw: unknown): Promise<SummaryView | null> {
  const { conversation_id: id } = parseInput(conversationRefSchema, raw);
  const row = await s.db.conversation.findFirst({
    where: { id, owner: s.owner, deletedAt: null },
    select: { summary: { select: { throughSeq: true, createdAt: true, content: true } } },
  });
  if (row === null) throw conversationNotFound(id);
  const summary = row.summary;
  return summary === null
    ? null
    : { through_seq: summary.throughSeq, created_at: summary.createdAt.toISOString(), content: summary.content };
}
