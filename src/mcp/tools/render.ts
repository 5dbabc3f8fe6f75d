import type { ConversationView } from '../../history/conversations/schemas.js';
import { charsBound, itemBytes, type ResponseBudget, structuredAndText } from '../../history/core/response-budget.js';
import type { MessageView } from '../../history/messages/schemas.js';
import type { SearchHitView } from '../../history/search/schemas.js';
import type { OwnerHistory } from '../../history/store.js';

/**
 * Text renderings of tool results, for clients that show the model `content` rather than
 * `structuredContent`. They carry the same facts in a compact, readable form.
 */

export function conversationLine(c: ConversationView): string {
  const title = c.title === null ? '(untitled)' : JSON.stringify(c.title);
  const key = c.key === null ? '' : ` key=${JSON.stringify(c.key)}`;
  const trash = c.purge_at === undefined ? '' : `, in the trash until ${c.purge_at}`;
  const expires = c.expires_at === undefined ? '' : `, expires ${c.expires_at}`;
  return `${c.id} ${title}${key} — ${c.message_count} message(s), last activity ${c.updated_at}${expires}${trash}`;
}

export function conversationBlock(c: ConversationView): string {
  const meta = c.metadata === null ? '' : `\nmetadata: ${JSON.stringify(c.metadata)}`;
  return `${conversationLine(c)}\ncreated ${c.created_at}${meta}`;
}

export function messageBlock(m: MessageView): string {
  const who = m.name === undefined ? m.role : `${m.role} (${m.name})`;
  const answers = m.tool_call_id === undefined ? '' : ` answering ${m.tool_call_id}`;
  const lines = [`[${m.seq}] ${who}${answers}:`];
  if (m.content !== null && m.content !== '') lines.push(m.content);
  for (const c of m.tool_calls ?? []) lines.push(`→ call ${c.id}: ${c.function.name}(${c.function.arguments})`);
  if (m.metadata !== undefined) lines.push(`metadata: ${JSON.stringify(m.metadata)}`);
  return lines.join('\n');
}

export function searchHitBlock(h: SearchHitView): string {
  const title = h.conversation_title === null ? '(untitled)' : JSON.stringify(h.conversation_title);
  return `${h.conversation_id} ${title} [${h.seq}] ${h.role} at ${h.created_at} (message ${h.message_id}):\n${h.snippet}`;
}

/** The response budget of a tool whose text renders each item of its structured result with `render`. */
export function renderedBudget<T>(
  history: OwnerHistory,
  render: (item: T) => string,
  bound?: (item: T) => number,
): ResponseBudget<T> {
  return {
    bytes: itemBytes(history.limits.maxResponseBytes),
    cost: structuredAndText(render),
    ...(bound && { bound }),
  };
}

/** An upper bound of a message's JSON plus its messageBlock, from string lengths (see charsBound). */
export function messageBound(m: MessageView): number {
  let chars = (m.content?.length ?? 0) + (m.name?.length ?? 0) + (m.tool_call_id?.length ?? 0);
  for (const c of m.tool_calls ?? []) chars += c.id.length + c.function.name.length + c.function.arguments.length + 64;
  if (m.metadata !== undefined) chars += JSON.stringify(m.metadata).length;
  return charsBound(chars);
}

/** An upper bound of a conversation's JSON plus its conversationLine. */
export function conversationBound(c: ConversationView): number {
  const chars =
    (c.title?.length ?? 0) + (c.key?.length ?? 0) + (c.metadata === null ? 0 : JSON.stringify(c.metadata).length);
  return charsBound(chars);
}
