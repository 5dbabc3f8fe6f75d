import { type ContextView, contextView, getContextInputSchema } from '../../history/context/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { messageBlock, renderedBudget } from './render.js';

export const getContextTool = defineTool({
  name: 'get_context',
  title: 'Get context window',
  description:
    'Get a conversation ready to send to a model within `max_tokens`: the most recent messages that fit, in ' +
    'order, never splitting a tool round. The system prompt comes first, and' +
    ' a stored summary stands in for the older messages it covers. Use it to rebuild a prompt. Counts use ' +
    'o200k_base (GPT-4o); for other models leave headroom.',
  seeAlso: {
    set_summary: 'If omitted_count grows large, store a summary with set_summary.',
    get_history: 'To read messages exactly, page with get_history.',
  },
  inputSchema: () => getContextInputSchema,
  outputSchema: contextView,
  annotations: READ_ONLY,
  async run(history, args) {
    const context = await history.getContext(args, renderedBudget(history, contextBlock));
    return { structured: context, text: renderContext(context) };
  },
});

function renderContext(c: ContextView): string {
  const range = c.first_seq === null ? 'no recent messages fit' : `messages ${c.first_seq}–${c.last_seq}`;
  const summary = c.summary ? `, summary of 1–${c.summary.through_seq}` : '';
  const header =
    `Context of ${c.conversation_id}: ${range}${summary}; ${c.total_tokens} of ${c.max_tokens} tokens (${c.encoding}${c.tokens_estimated ? ', estimated' : ''}); ` +
    `${c.omitted_count} of ${c.message_count} stored message(s) not included (stopped by ${c.stopped_by}).`;
  return [header, ...c.messages.map(contextBlock)].join('\n\n');
}

function contextBlock(m: ContextView['messages'][number]): string {
  return 'id' in m ? messageBlock(m) : `[summary] system:\n${m.content}`;
}
