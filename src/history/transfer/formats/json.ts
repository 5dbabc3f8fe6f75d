import { z } from 'zod';
import { appendedFields } from '../../core/rows.js';
import { timestampSchema } from '../../core/timestamps.js';
import { invalidField } from '../../core/validate.js';
import type { MessageView } from '../../messages/schemas.js';
import { breakBeforeNonTool, type PageSource, type ParsedImport, parseAt, type Renderer } from './format.js';

/**
 * Our own format: everything a conversation holds except ids and seqs (a fresh import gets new
 * ones; order is the array order), timestamps included. What `import_conversation` reads back.
 */
export const JSON_FORMAT_TAG = 'chat-history-mcp';
export const JSON_FORMAT_VERSION = 1;

function messageOut(m: MessageView) {
  return { ...appendedFields(m), created_at: m.created_at };
}

export function jsonConversationHeader(c: PageSource['conversation']) {
  return { title: c.title, key: c.key, metadata: c.metadata, created_at: c.created_at, updated_at: c.updated_at };
}

export const jsonRenderer: Renderer = {
  render: (page) => ({
    data: {
      format: JSON_FORMAT_TAG,
      version: JSON_FORMAT_VERSION,
      conversation: jsonConversationHeader(page.conversation),
      messages: page.messages.map(messageOut),
    },
  }),
  canBreak: breakBeforeNonTool,
};

const createdAtSchema = timestampSchema('created_at');

const documentSchema = z.strictObject({
  format: z.literal(JSON_FORMAT_TAG, `format must be "${JSON_FORMAT_TAG}"`),
  version: z.literal(JSON_FORMAT_VERSION, `version must be ${JSON_FORMAT_VERSION}`),
  conversation: z.strictObject({
    title: z.string().nullable().optional(),
    key: z.string().nullable().optional(),
    metadata: z.unknown().optional(),
    created_at: createdAtSchema.optional(),
    updated_at: timestampSchema('updated_at').optional(),
  }),
  messages: z.array(z.record(z.string(), z.unknown()), 'messages must be an array of message objects'),
});

export function parseJson(data: unknown): ParsedImport {
  if (data !== null && typeof data === 'object' && 'conversations' in data) {
    throw invalidField(
      ['data', 'conversations'],
      'data holds several conversations (the output of `chat-history-mcp export --all`): import them with `chat-history-mcp import FILE`, or one { conversation, messages } document at a time',
    );
  }
  const doc = parseAt(documentSchema, data, ['data']);
  const createdAt: Array<Date | undefined> = [];
  // The caller's own message objects (see parseOpenai: a "__proto__" key must reach the schema).
  const raw = (data as { messages: Array<Record<string, unknown>> }).messages;
  const messages = raw.map((m, i) => {
    const { created_at, ...rest } = m;
    createdAt.push(created_at === undefined ? undefined : new Date(checkTimestamp(created_at, i)));
    return rest;
  });
  const c = doc.conversation;
  return {
    conversation: {
      title: c.title,
      key: c.key,
      metadata: c.metadata,
      createdAt: c.created_at === undefined ? undefined : new Date(c.created_at),
      updatedAt: c.updated_at === undefined ? undefined : new Date(c.updated_at),
    },
    messages,
    createdAt,
    pathOf: (i, rest) => ['data', 'messages', i, ...rest],
  };
}

function checkTimestamp(value: unknown, i: number): string {
  const parsed = createdAtSchema.safeParse(value);
  if (!parsed.success) throw invalidField(['data', 'messages', i, 'created_at'], parsed.error.issues[0]!.message);
  return parsed.data;
}
