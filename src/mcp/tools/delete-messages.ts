import { deleteMessagesInputSchema, rewoundView } from '../../history/messages/schemas.js';
import { defineTool } from './define-tool.js';

export const deleteMessagesTool = defineTool({
  name: 'delete_messages',
  title: 'Delete messages (rewind)',
  description:
    'Rewind: permanently delete the message at from_seq and all after it; the next append continues at from_seq. ' +
    'Use it to drop a wrong turn.',
  seeAlso: {
    fork_conversation: 'To keep the original, fork_conversation with through_seq = from_seq - 1 instead.',
  },
  inputSchema: () => deleteMessagesInputSchema,
  outputSchema: rewoundView,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const r = await history.deleteMessages(args);
    return {
      structured: r,
      text: `Deleted ${r.deleted_messages} message(s) from ${r.conversation_id}; it now holds ${r.message_count}, the next append gets seq ${r.message_count + 1}.`,
    };
  },
});
