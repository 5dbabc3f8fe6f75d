import { createConversationInputSchema, createdView } from '../../history/conversations/schemas.js';
import { defineTool } from './define-tool.js';
import { conversationBlock } from './render.js';

export const createConversationTool = defineTool({
  name: 'create_conversation',
  title: 'Create conversation',
  description:
    'Start a conversation to store messages in. With a `key` it is get-or-create: the same key always returns the ' +
    'same conversation, so you find it again without keeping its id (`created` says which; an existing one keeps ' +
    'its title and metadata).',
  inputSchema: createConversationInputSchema,
  outputSchema: createdView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const result = await history.createConversation(args);
    const verb = result.created ? 'Created' : 'Found existing';
    return { structured: result, text: `${verb} conversation ${conversationBlock(result.conversation)}` };
  },
});
