import { z } from 'zod';
import type { MessageView } from '../../messages/schemas.js';
import { breakBeforeNonTool, type ParsedImport, parseAt, type Renderer } from './format.js';

/**
 * The OpenAI chat-completions `messages` array. Carries roles, content, names, tool calls
 * (arguments byte-for-byte) and tool_call_id; not metadata or timestamps. An assistant message
 * that only carries tool calls has `content: null`, as the API writes it.
 */
function messageOut(m: MessageView) {
  const onlyCalls = m.tool_calls !== undefined && (m.content === null || m.content === '');
  return {
    role: m.role,
    content: onlyCalls ? null : m.content,
    ...(m.name !== undefined && { name: m.name }),
    ...(m.tool_calls !== undefined && { tool_calls: m.tool_calls }),
    ...(m.tool_call_id !== undefined && { tool_call_id: m.tool_call_id }),
  };
}

export const openaiRenderer: Renderer = {
  render: (page) => ({ data: page.messages.map(messageOut) }),
  canBreak: breakBeforeNonTool,
};

const messagesSchema = z.array(z.record(z.string(), z.unknown()), 'messages must be an array of message objects');
/** A bare `messages` array, or a request body holding one (its other fields, e.g. model, are ignored). */
const dataSchema = z.union([messagesSchema, z.looseObject({ messages: messagesSchema })], {
  error: 'data must be an OpenAI messages array, or an object with a messages array',
});
const textPart = z.strictObject({
  type: z.literal('text', 'only text content parts can be imported'),
  text: z.string(),
});

/**
 * Straight: each message becomes one message. What the API writes beside our fields is
 * normalized rather than refused: role "developer" is a system message, an array of text parts
 * is joined with newlines, and fields set to null (other than content) or `annotations: []`
 * count as absent. Anything else goes through the append rules unchanged.
 */
export function parseOpenai(data: unknown): ParsedImport {
  parseAt(dataSchema, data, ['data']);
  // The validated shape, but the caller's own objects: parsing a record drops a "__proto__"
  // key, which must instead reach the message schema and be refused as an unknown field.
  const bare = Array.isArray(data);
  const list = (bare ? data : (data as { messages: unknown[] }).messages) as Array<Record<string, unknown>>;
  const base = (i: number): PropertyKey[] => (bare ? ['data', i] : ['data', 'messages', i]);
  const messages = list.map((m, i) => {
    // fromEntries defines own properties: a "__proto__" key stays a key (and is refused as unknown).
    const out: Record<string, unknown> = Object.fromEntries(
      Object.entries(m).filter(
        ([k, v]) => k === 'content' || (v !== null && !(k === 'annotations' && Array.isArray(v) && v.length === 0)),
      ),
    );
    if (out.role === 'developer') out.role = 'system';
    if (Array.isArray(out.content)) {
      out.content = parseAt(z.array(textPart), out.content, [...base(i), 'content'])
        .map((p) => p.text)
        .join('\n');
    }
    return out;
  });
  return {
    conversation: {},
    messages,
    createdAt: messages.map(() => undefined),
    pathOf: (i, rest) => [...base(i), ...rest],
  };
}
