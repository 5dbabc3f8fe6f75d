import { forkInputSchema, forkView } from '../../history/conversations/schemas.js';
import { defineTool } from './define-tool.js';
import { conversationBlock } from './render.js';

export const forkConversationTool = defineTool({
  name: 'fork_conversation',
  title: 'Fork conversation',
  description:
    'Branch a conversation: create a NEW conversation holding copies of messages 1..through_seq ' +
    '(default: all), tool calls included and seqs unchanged, then continue the new one with ' +
    'append_messages. The original is not changed. Use it to explore an alternative reply or to ' +
    'retry from an earlier point while keeping the original.',
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
