import { conversationRefSchema, deletedView } from '../../history/conversations/schemas.js';
import { defineTool } from './define-tool.js';

export const deleteConversationTool = defineTool({
  name: 'delete_conversation',
  title: 'Delete conversation',
  description:
    'Delete a conversation and all its messages: use it only when the user asks to forget it. It moves to the ' +
    'trash until purge_at (null: deleted for good at once).',
  seeAlso: {
    restore_conversation: 'restore_conversation undoes it until then.',
  },
  inputSchema: () => conversationRefSchema,
  outputSchema: deletedView,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const result = await history.deleteConversation(args);
    const where = result.purge_at === null ? 'for good' : `to the trash (restorable until ${result.purge_at})`;
    return {
      structured: result,
      text: `Deleted conversation ${result.conversation_id} and its ${result.deleted_messages} message(s) ${where}.`,
    };
  },
});
