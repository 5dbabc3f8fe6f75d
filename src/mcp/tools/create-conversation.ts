import { createConversationInputSchema, createdView } from '../../history/conversations/schemas.js';
import { defineTool } from './define-tool.js';
import { conversationBlock } from './render.js';

export const createConversationTool = defineTool({
  name: 'create_conversation',
  title: 'Create conversation',
  description:
    'Start a new conversation to store messages in, or — when you pass a `key` — get the conversation ' +
    'already stored under that key (get-or-create: the same key always returns the same conversation, ' +
    'and `created` tells which happened; an existing conversation keeps its title and metadata). Use a key such as your session or thread id to find the ' +
    'conversation again later without remembering its id.',
  inputSchema: createConversationInputSchema,
  outputSchema: createdView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const result = await history.createConversation(args);
    const verb = result.created ? 'Created' : 'Found existing';
    return { structured: result, text: `${verb} conversation ${conversationBlock(result.conversation)}` };
  },
});
