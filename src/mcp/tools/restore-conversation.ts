import { conversationRefSchema, restoredView } from '../../history/conversations/schemas.js';
import { defineTool } from './define-tool.js';
import { conversationLine } from './render.js';

export const restoreConversationTool = defineTool({
  name: 'restore_conversation',
  title: 'Restore conversation',
  description:
    'Bring a deleted conversation back from the trash, whole, before its purge_at. Its key comes back unless a ' +
    'new conversation took it (key_restored: false).',
  seeAlso: {
    list_conversations: 'list_conversations with trash: true lists the trash.',
  },
  inputSchema: () => conversationRefSchema,
  outputSchema: restoredView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const result = await history.restoreConversation(args);
    const key = result.key_restored ? '' : ' Its key was taken meanwhile: it is back without one.';
    return { structured: result, text: `Restored: ${conversationLine(result.conversation)}.${key}` };
  },
});
