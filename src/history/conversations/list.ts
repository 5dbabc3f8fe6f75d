import { FIXED_LIMITS } from '../core/limits.js';
import { defaultBudget, fitPrefix, type ResponseBudget } from '../core/response-budget.js';
import { toConversationView } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import type { Scope } from '../scope.js';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import { conversationsMatching } from './list-filter.js';
import { type ConversationPageView, type ConversationView, listConversationsInputSchema } from './schemas.js';

/**
 * list_conversations: the owner's live conversations, most recent activity first, a page at a
 * time; with `trash`, the trash instead, most recently deleted first (the same keyset, on
 * deleted_at, served by the (owner, deleted_at) index).
 */
export async function listConversations(
  s: Scope,
  raw: unknown,
  budget: ResponseBudget<ConversationView> = defaultBudget(s.limits.maxResponseBytes),
): Promise<ConversationPageView> {
  const input = parseInput(listConversationsInputSchema, raw);
  const limit = input.limit ?? FIXED_LIMITS.listDefault;
  const after = input.cursor === undefined ? undefined : decodeListCursor(input.cursor);
  const trash = input.trash === true;
  const rows =
    input.query !== undefined
      ? await conversationsMatching(s, { query: input.query, trash }, after, limit + 1)
      : trash
        ? await s.db.conversation.findMany({
            where: {
              owner: s.owner,
              deletedAt: { not: null },
              ...(after && {
                OR: [{ deletedAt: { lt: after.updatedAt } }, { deletedAt: after.updatedAt, id: { lt: after.id } }],
              }),
            },
            orderBy: [{ deletedAt: 'desc' }, { id: 'desc' }],
            take: limit + 1,
          })
        : await s.db.conversation.findMany({
            where: {
              owner: s.owner,
              deletedAt: null,
              ...(after && {
                OR: [{ updatedAt: { lt: after.updatedAt } }, { updatedAt: after.updatedAt, id: { lt: after.id } }],
              }),
            },
            orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
            take: limit + 1,
          });
  // A page of conversations with large metadata may stop before `limit` at the response budget.
  const page = fitPrefix(rows.slice(0, limit).map(toConversationView), budget);
  const more = rows.length > page.length;
  const last = page.at(-1);
  return {
    conversations: page,
    next_cursor:
      more && last
        ? encodeListCursor({
            updatedAt: new Date((trash ? last.deleted_at : undefined) ?? last.updated_at),
            id: last.id,
          })
        : null,
  };
}
