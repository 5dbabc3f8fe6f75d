import { z } from 'zod';
import { conversationRefSchema } from '../../history/schemas.js';
import { defineTool } from './types.js';

export const deleteConversationTool = defineTool({
  name: 'delete_conversation',
  title: 'Delete conversation',
  description:
    'Permanently delete a conversation and all of its messages. This cannot be undone; use it only ' +
    'when the user asks for the conversation to be forgotten.',
  inputSchema: () => conversationRefSchema,
  outputSchema: z.object({ conversation_id: z.string(), deleted_messages: z.int() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const result = await history.deleteConversation(args);
    return {
      structured: result,
      text: `Deleted conversation ${result.conversation_id} and its ${result.deleted_messages} message(s).`,
    };
  },
});
