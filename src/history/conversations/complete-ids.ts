import type { Scope } from '../scope.js';

const MAX_COMPLETIONS = 20;

/**
 * Ids of this owner's conversations that start with `prefix`, most recent activity first —
 * what a client offers while a person types a conversation id.
 */
export async function completeConversationIds(s: Scope, prefix: string): Promise<string[]> {
  const bounded = prefix.slice(0, 100);
  const rows = await s.db.conversation.findMany({
    // A range, not LIKE: Prisma does not escape % and _ in startsWith on SQLite, and the
    // range can use the primary key. Ids are ASCII, so prefix + U+FFFF bounds every extension.
    where: { owner: s.owner, deletedAt: null, id: { gte: bounded, lt: `${bounded}\uffff` } },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: MAX_COMPLETIONS,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}
