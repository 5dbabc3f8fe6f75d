import { conversationRefSchema, conversationView } from '../../history/conversations/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { conversationBlock } from './render.js';

export const getConversationTool = defineTool({
  name: 'get_conversation',
  title: 'Get conversation',
  description: "Get one conversation's details (key, title, metadata, message count, timestamps) without its messages.",
  seeAlso: {
    get_history: 'Read its messages with get_history.',
  },
  inputSchema: () => conversationRefSchema,
  outputSchema: conversationView,
  annotations: READ_ONLY,
  async run(history, args) {
    const conversation = await history.getConversation(args);
    return { structured: conversation, text: conversationBlock(conversation) };
  },
});
