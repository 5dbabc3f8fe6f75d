import { z } from 'zod';
import type { ConversationView } from '../conversations/schemas.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import { conversationNotFound, HistoryError } from '../core/errors.js';
import { MAX_SEQ } from '../core/fields.js';
import { FIXED_LIMITS as F } from '../core/limits.js';
import { toConversationView } from '../core/rows.js';
import { parseInput } from '../core/validate.js';
import { loadMessages } from '../messages/load-messages.js';
import type { MessageView } from '../messages/schemas.js';
import type { Scope } from '../scope.js';
import { EXPORT_FORMATS, type ExportFormat, RENDERERS, type Renderer, renderedBytes } from './formats/index.js';
import { type ExportPageView, exportInputSchema } from './schemas.js';

/** Messages measured per page: a page of many tiny messages ends here (rendering grows with it). */
const MAX_PAGE_MESSAGES = 1000;

/**
 * One page of a conversation rendered in a format. A page holds as many messages as fit in
 * the page budget (F.exportPageBytes of rendered output, so no tool result outgrows what MCP
 * clients accept), at least one, and ends where the pages concatenate cleanly (see
 * Renderer.canBreak) whenever the budget allows. next_cursor continues the export.
 */
export async function exportConversation(s: Scope, raw: unknown): Promise<ExportPageView> {
  const input = parseInput(exportInputSchema, raw);
  const id = input.conversation_id;
  const start = input.cursor === undefined ? 1 : decodeExportCursor(input.cursor, id, input.format);
  const row = await s.db.conversation.findFirst({ where: { id, owner: s.owner, deletedAt: null } });
  if (!row) throw conversationNotFound(id);
  const conversation = toConversationView(row);
  const total = row.messageCount;

  const renderer = RENDERERS[input.format];
  const loaded = await loadCandidates(s, id, start, total, F.exportPageBytes);
  const messages = loaded.slice(0, pageLength(renderer, conversation, loaded, start, total, F.exportPageBytes));
  const rendered = renderer.render({ conversation, messages, first: start === 1 });
  const last = messages.at(-1);
  return {
    conversation_id: id,
    format: input.format,
    ...rendered,
    first_seq: messages[0]?.seq ?? null,
    last_seq: last?.seq ?? null,
    message_count: total,
    next_cursor: last !== undefined && last.seq < total ? encodeExportCursor(id, input.format, last.seq + 1) : null,
  };
}

/**
 * Messages from `start` on, until what they store (content, tool-call arguments, metadata)
 * passes the page budget — every format renders at least the content and arguments, json
 * the metadata too — or the conversation ends. Sizes are measured before anything is read
 * (load-messages.ts), so a page reads about one page of data however the conversation is
 * made. The exact fit is found afterwards; the last one loaded also tells whether a page may
 * end before it.
 */
async function loadCandidates(
  s: Scope,
  conversationId: string,
  start: number,
  total: number,
  budget: number,
): Promise<MessageView[]> {
  if (start > total) return [];
  return loadMessages(s.db, {
    conversationId,
    fromSeq: start,
    toSeq: total,
    from: 'start',
    limit: MAX_PAGE_MESSAGES,
    maxBytes: budget,
  });
}

/**
 * How many of `loaded` go on the page: the longest prefix whose rendering fits the budget
 * (found by bisection: adding a message never shrinks a rendering), at least one; then cut
 * back to the last point where the renderer allows a clean break, if there is one.
 */
function pageLength(
  renderer: Renderer,
  conversation: ConversationView,
  loaded: readonly MessageView[],
  start: number,
  total: number,
  budget: number,
): number {
  if (loaded.length === 0) return 0;
  const fits = (n: number) =>
    renderedBytes(renderer.render({ conversation, messages: loaded.slice(0, n), first: start === 1 })) <= budget;
  let lo = 1;
  let hi = loaded.length;
  if (!fits(lo)) return 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  const endsConversation = (n: number) => loaded[n - 1]!.seq === total;
  for (let n = lo; n >= 1; n--) {
    if (endsConversation(n) || (n < loaded.length && renderer.canBreak(loaded.slice(0, n), loaded[n]!))) return n;
  }
  return lo;
}

// The seq is bounded like every seq input (a forged one must not reach the database).
const cursorPayload = z.tuple([z.string(), z.enum(EXPORT_FORMATS), z.int().min(1).max(MAX_SEQ)]);

const NOT_THIS_EXPORT =
  'cursor is not valid for this export: pass next_cursor from the previous page unchanged, with the same conversation_id and format (or omit it for the first page)';

function encodeExportCursor(conversationId: string, format: ExportFormat, seq: number): string {
  return encodeCursor([conversationId, format, seq]);
}

function decodeExportCursor(cursor: string, conversationId: string, format: ExportFormat): number {
  const [forConversation, forFormat, seq] = decodeCursor(cursor, cursorPayload, NOT_THIS_EXPORT);
  if (forConversation !== conversationId || forFormat !== format)
    throw new HistoryError('invalid_input', NOT_THIS_EXPORT, 'cursor');
  return seq;
}
