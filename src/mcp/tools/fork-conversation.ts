import { forkInputSchema, forkView } from '../../history/conversations/schemas.js';
import { defineTool } from './define-tool.js';
import { conversationBlock } from './render.js';

export const forkConversationTool = defineTool({
  name: 'fork_conversation',
  title: 'Fork conversation',
  description:
    'Branch a conversation: a NEW conversation with copies of messages 1..through_seq (tool calls included, same ' +
    'seqs); the original is unchanged. Use it to try an alternative reply or retry from an earlier point.',
  inputSchema: () => forkInputSchema,
  outputSchema: forkView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const fork = await history.forkConversation(args);
    return {
      structured: fork,
      text: `Forked ${fork.forked_from} through seq ${fork.through_seq} into ${conversationBlock(fork.conversation)}`,
    };
  },
});
