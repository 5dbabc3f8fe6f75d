import { conversationPageView, listConversationsInputSchema } from '../../history/conversations/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { conversationBound, conversationLine, renderedBudget } from './render.js';

export const listConversationsTool = defineTool({
  name: 'list_conversations',
  title: 'List conversations',
  description:
    'List stored conversations, most recent activity first. Use it to find an earlier conversation ' +
    'to continue. Pass `query` to keep only conversations whose title or key contains that text ' +
    '(to find words inside messages, use search_messages). Pages: when `next_cursor` is not null, ' +
    'call again with `cursor` set to it (and the same query).',
  inputSchema: () => listConversationsInputSchema,
  outputSchema: conversationPageView,
  annotations: READ_ONLY,
  async run(history, args) {
    const page = await history.listConversations(args, renderedBudget(history, conversationLine, conversationBound));
    const lines = page.conversations.map(conversationLine);
    if (lines.length === 0) lines.push('No conversations.');
    if (page.next_cursor !== null) lines.push(`More: call again with cursor "${page.next_cursor}".`);
    return { structured: page, text: lines.join('\n') };
  },
});
