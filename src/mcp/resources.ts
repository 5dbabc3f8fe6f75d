import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListResourcesRequestSchema, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { itemBytes, jsonTextBytes, type ResponseBudget } from '../history/core/response-budget.js';
import type { MessageView } from '../history/messages/schemas.js';
import type { OwnerHistory } from '../history/store.js';
import type { Logger } from '../logger.js';
import { withinBudget } from './response-guard.js';
import { asProtocolError } from './results.js';

const LIST_PAGE = 50;

/**
 * Conversations as MCP resources, for clients that attach context by URI:
 *   conversation://{id}                — JSON: the conversation and its latest page of messages
 *   conversation://{id}/transcript.md  — Markdown transcript (first page; export_conversation pages the rest)
 * Listing shows the owner's conversations by recent activity, paged; ids complete as typed.
 * Everything goes through the owner-scoped history, so isolation holds as it does for tools.
 */
export interface ResourceDeps {
  history: OwnerHistory;
  logger: Logger;
  /** Names of the tools the server offers: the transcript points to export_conversation only when offered. */
  offered: ReadonlySet<string>;
}

export function registerResources(server: McpServer, { history, logger, offered }: ResourceDeps): void {
  const guard = <T>(fn: () => Promise<T>) => asProtocolError(fn, logger);
  const complete = { id: (value: string) => history.completeConversationIds(value) };

  // Registered before the plain template: reads try templates in order, and `{id}` alone
  // would not match a URI with a path anyway, but the order keeps that obvious.
  server.registerResource(
    'conversation-transcript',
    new ResourceTemplate('conversation://{id}/transcript.md', { list: undefined, complete }),
    {
      title: 'Conversation transcript',
      description: 'A conversation as a Markdown transcript.',
      mimeType: 'text/markdown',
    },
    async (uri, { id }) =>
      read(
        uri,
        guard,
        () => transcript(history, String(id), offered.has('export_conversation')),
        'text/markdown',
        history.limits.maxResponseBytes,
      ),
  );
  server.registerResource(
    'conversation',
    new ResourceTemplate('conversation://{id}', { list: undefined, complete }),
    {
      title: 'Conversation',
      description: 'A conversation (id, key, title, metadata, counts) with its most recent messages, as JSON.',
      mimeType: 'application/json',
    },
    async (uri, { id }) =>
      read(
        uri,
        guard,
        async () => {
          const conversationId = String(id);
          const conversation = await history.getConversation({ conversation_id: conversationId });
          const page = await history.getHistory({ conversation_id: conversationId }, prettyJsonBudget(history));
          return JSON.stringify(
            { conversation, messages: page.messages, has_more_before: page.has_more_before },
            null,
            2,
          );
        },
        'application/json',
        history.limits.maxResponseBytes,
      ),
  );

  // McpServer's own resources/list handler neither reads the cursor nor returns nextCursor;
  // replace it with one that pages through the conversations like list_conversations does.
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const cursor = request.params?.cursor;
    const page = await guard(() =>
      history.listConversations({ limit: LIST_PAGE, ...(cursor !== undefined && { cursor }) }),
    );
    return {
      resources: page.conversations.map((c) => ({
        uri: `conversation://${c.id}`,
        name: c.title ?? c.key ?? c.id,
        title: c.title ?? undefined,
        description: `${c.message_count} message(s), last activity ${c.updated_at}`,
        mimeType: 'application/json',
      })),
      ...(page.next_cursor !== null && { nextCursor: page.next_cursor }),
    };
  });
}

/**
 * The transcript's first export page, with a note when there is more: where export_conversation
 * is offered, how to read the rest with it.
 */
async function transcript(history: OwnerHistory, conversationId: string, canExport: boolean): Promise<string> {
  const page = await history.exportConversation({ conversation_id: conversationId, format: 'markdown' });
  if (page.next_cursor === null) return page.text ?? '';
  const rest = canExport
    ? `call export_conversation with format "markdown" and cursor "${page.next_cursor}"`
    : `this transcript shows messages 1–${page.last_seq} of the conversation`;
  return `${page.text ?? ''}\n\n---\n*Continued: ${rest}.*\n`;
}

type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

async function read(
  uri: URL,
  guard: Guard,
  body: () => Promise<string>,
  mimeType: string,
  maxBytes: number,
): Promise<ReadResourceResult> {
  const text = await guard(body);
  return withinBudget({ contents: [{ uri: uri.href, mimeType, text }] }, maxBytes, `resource ${uri.href}`);
}

/**
 * conversation://{id} is the page as indented JSON inside a text field: what one message
 * costs there, its indentation (two levels deeper in the document) and its escaping included.
 */
function prettyJsonBudget(history: OwnerHistory): ResponseBudget<MessageView> {
  return {
    bytes: itemBytes(history.limits.maxResponseBytes),
    cost: (m) => {
      const pretty = JSON.stringify(m, null, 2);
      return jsonTextBytes(pretty) + 4 * (pretty.split('\n').length + 1);
    },
  };
}
