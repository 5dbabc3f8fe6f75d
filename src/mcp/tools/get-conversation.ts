import { conversationRefSchema, conversationView } from '../../history/conversations/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { conversationBlock } from './render.js';

export const getConversationTool = defineTool({
  name: 'get_conversation',
  title: 'Get conversation',
  description:
    "Get one conversation's details — key, title, metadata, message_count, created_at, updated_at — " +
    'without its messages. Use get_history for the messages.',
  inputSchema: () => conversationRefSchema,
  outputSchema: conversationView,
  annotations: READ_ONLY,
  async run(history, args) {
    const conversation = await history.getConversation(args);
    return { structured: conversation, text: conversationBlock(conversation) };
  },
});
