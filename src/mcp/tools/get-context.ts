import { type ContextView, contextView, getContextInputSchema } from '../../history/context/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { messageBlock, renderedBudget } from './render.js';

export const getContextTool = defineTool({
  name: 'get_context',
  title: 'Get context window',
  description:
    'Get a conversation ready to send to a model within a token budget: the most recent messages that fit ' +
    '`max_tokens`, in order, never splitting a tool round (an assistant tool_calls message and its tool results ' +
    'come together or not at all). By default the system prompt (the system messages at the start) comes first, ' +
    'and a summary stored with set_summary stands in for the older messages it covers. Use it to rebuild a ' +
    'prompt; use get_history to read or page through messages exactly. Counts use the o200k_base tokenizer ' +
    '(GPT-4o); for other models they are an estimate, so leave headroom. If omitted_count grows large, consider ' +
    'set_summary.',
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
