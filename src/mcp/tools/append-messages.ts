import { appendedView, appendInputSchema } from '../../history/messages/schemas.js';
import { defineTool } from './define-tool.js';

export const appendMessagesTool = defineTool({
  name: 'append_messages',
  title: 'Append messages',
  description:
    'Store messages at the end of a conversation, in order; all of them are stored or none. ' +
    'Roles: system, user, assistant, tool. An assistant message may carry `tool_calls` (OpenAI shape; ' +
    'content may then be null); each tool result is a `tool` message whose `tool_call_id` names a call ' +
    'made earlier in this conversation or earlier in the same batch. Each stored message gets the next ' +
    '`seq` (1, 2, 3 …). Pass an `idempotency_key` when you may retry: a retry returns the first result ' +
    'and stores nothing twice.',
  inputSchema: appendInputSchema,
  outputSchema: appendedView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const result = await history.appendMessages(args);
    const seqs = result.messages.map((m) => m.seq);
    const range = seqs.length === 1 ? `seq ${seqs[0]}` : `seq ${seqs[0]}–${seqs.at(-1)}`;
    const verb = result.replayed ? 'Already stored (idempotent retry)' : 'Stored';
    return {
      structured: result,
      text: `${verb}: ${seqs.length} message(s) as ${range} in ${result.conversation_id}; it now holds ${result.message_count}.`,
    };
  },
});
