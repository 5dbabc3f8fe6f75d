import { conversationPageView, listConversationsInputSchema } from '../../history/conversations/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { conversationBound, conversationLine, renderedBudget } from './render.js';

export const listConversationsTool = defineTool({
  name: 'list_conversations',
  title: 'List conversations',
  description:
    'List your conversations, most recent activity first: use it to find one to continue. `query` keeps those ' +
    'whose title or key contains the text.',
  seeAlso: {
    search_messages: 'To find words inside messages, use search_messages.',
  },
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
