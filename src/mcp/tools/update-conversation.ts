import { conversationView, updateConversationInputSchema } from '../../history/conversations/schemas.js';
import { defineTool } from './define-tool.js';
import { conversationBlock } from './render.js';

export const updateConversationTool = defineTool({
  name: 'update_conversation',
  title: 'Update conversation',
  description:
    "Change a conversation's title or metadata (metadata is replaced whole). Omit a field to keep it; null clears " +
    'it.',
  inputSchema: updateConversationInputSchema,
  outputSchema: conversationView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(history, args) {
    const conversation = await history.updateConversation(args);
    return { structured: conversation, text: `Updated conversation ${conversationBlock(conversation)}` };
  },
});
