import { v7 as uuidv7 } from 'uuid';
import { Prisma } from '../../generated/sqlite/client.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import { conversationNotFound } from '../core/errors.js';
import { FIXED_LIMITS } from '../core/limits.js';
import { conversationRefSchema, listConversationsInputSchema } from './schemas.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../core/validate.js';
import { defaultBudget, fitPrefix, type ResponseBudget } from '../core/response-budget.js';
import { conversationsMatching } from './list-filter.js';
import { withRetry } from '../core/retry.js';
import { type ConversationPageView, type ConversationView } from './schemas.js';
import { toConversationView } from '../core/rows.js';

export async function createConversation(
  s: Scope,
  raw: unknown,
): Promise<{ conversation: ConversationView; created: boolean }> {
  const input = parseInput(s.schemas.createConversation, raw);
  const byKey = () =>
    input.key === undefined ? null : s.db.conversation.findUnique({ where: { owner_key: { owner: s.owner, key: input.key } } });

  return withRetry(async () => {
    const existing = await byKey();
    if (existing) return { conversation: toConversationView(existing), created: false };
    const now = new Date();
    try {
      const row = await s.db.conversation.create({
        data: {
          id: uuidv7(),
          owner: s.owner,
          key: input.key ?? null,
          title: input.title ?? null,
          metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
          createdAt: now,
          updatedAt: now,
        },
      });
      return { conversation: toConversationView(row), created: true };
    } catch (err) {
      // Another caller created the same key between our read and our insert: theirs wins.
      const raced = isUniqueViolation(err) ? await byKey() : null;
      if (raced) return { conversation: toConversationView(raced), created: false };
      throw err;
    }
  });
}

export async function getConversation(s: Scope, raw: unknown): Promise<ConversationView> {
  const { conversation_id: id } = parseInput(conversationRefSchema, raw);
  const row = await s.db.conversation.findFirst({ where: { id, owner: s.owner } });
  if (!row) throw conversationNotFound(id);
  return toConversationView(row);
}

export async function listConversations(
  s: Scope,
  raw: unknown,
  budget: ResponseBudget<ConversationView> = defaultBudget(s.limits.maxResponseBytes),
): Promise<ConversationPageView> {
  const input = parseInput(listConversationsInputSchema, raw);
  const limit = input.limit ?? FIXED_LIMITS.listDefault;
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
  const rows =
    input.query !== undefined
      ? await conversationsMatching(s, input.query, after, limit + 1)
      : await s.db.conversation.findMany({
          where: {
            owner: s.owner,
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
    next_cursor: more && last ? encodeCursor({ updatedAt: new Date(last.updated_at), id: last.id }) : null,
  };
}

export async function updateConversation(s: Scope, raw: unknown): Promise<ConversationView> {
  const input = parseInput(s.schemas.updateConversation, raw);
  const data: Prisma.ConversationUpdateInput = { updatedAt: new Date() };
  if (input.title !== undefined) data.title = input.title;
  if (input.metadata !== undefined) data.metadata = input.metadata === null ? null : JSON.stringify(input.metadata);
  try {
    const row = await withRetry(() =>
      s.db.conversation.update({ where: { id: input.conversation_id, owner: s.owner }, data }),
    );
    return toConversationView(row);
  } catch (err) {
    throw isRecordNotFound(err) ? conversationNotFound(input.conversation_id) : err;
  }
}

export async function deleteConversation(
  s: Scope,
  raw: unknown,
): Promise<{ conversation_id: string; deleted_messages: number }> {
  const { conversation_id: id } = parseInput(conversationRefSchema, raw);
  try {
    // Messages, tool calls and idempotency records go with it (ON DELETE CASCADE).
    const row = await withRetry(() =>
      s.db.conversation.delete({ where: { id, owner: s.owner }, select: { messageCount: true } }),
    );
    return { conversation_id: id, deleted_messages: row.messageCount };
  } catch (err) {
    throw isRecordNotFound(err) ? conversationNotFound(id) : err;
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

export function isRecordNotFound(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025';
}
