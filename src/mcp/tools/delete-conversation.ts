import { conversationRefSchema, deletedView } from '../../history/conversations/schemas.js';
import { defineTool } from './define-tool.js';

export const deleteConversationTool = defineTool({
  name: 'delete_conversation',
  title: 'Delete conversation',
  description:
    'Permanently delete a conversation and all its messages. It cannot be undone: use it only when the user ' +
    'asks to forget it.',
  inputSchema: () => conversationRefSchema,
  outputSchema: deletedView,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const result = await history.deleteConversation(args);
    return {
      structured: result,
      text: `Deleted conversation ${result.conversation_id} and its ${result.deleted_messages} message(s).`,
    };
  },
});
