import { appendedView, appendInputSchema } from '../../history/messages/schemas.js';
import { defineTool } from './define-tool.js';

export const appendMessagesTool = defineTool({
  name: 'append_messages',
  title: 'Append messages',
  description:
    'Store messages at the end of a conversation, in order, all or none; each gets the next `seq`. An ' +
    'assistant message may carry `tool_calls` (OpenAI shape; content may then be null); a `tool` message ' +
    'answers one by `tool_call_id` (a call made earlier in the conversation or batch). Pass `idempotency_key` ' +
    'if you may retry: a retry stores nothing twice.',
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
