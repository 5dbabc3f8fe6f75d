import { getHistoryInputSchema, historyPageView } from '../../history/messages/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { messageBlock, messageBound, renderedBudget } from './render.js';

export const getHistoryTool = defineTool({
  name: 'get_history',
  title: 'Get history',
  description:
    'Read messages exactly as appended, in seq order, tool calls and results included. Default: the most recent ' +
    '`limit`. Older: before_seq = the first seq you have; newer: after_seq = the last seq you have. ' +
    'has_more_before / has_more_after say whether more exist.',
  inputSchema: () => getHistoryInputSchema,
  outputSchema: historyPageView,
  annotations: READ_ONLY,
  async run(history, args) {
    const page = await history.getHistory(args, renderedBudget(history, messageBlock, messageBound));
    const first = page.messages[0];
    const last = page.messages.at(-1);
    const header =
      first && last
        ? `Messages ${first.seq}–${last.seq} of ${page.message_count} in ${page.conversation_id}` +
          `${page.has_more_before ? ` (older: before_seq=${first.seq})` : ''}` +
          `${page.has_more_after ? ` (newer: after_seq=${last.seq})` : ''}:`
        : `No messages in this range; the conversation holds ${page.message_count}.`;
    return { structured: page, text: [header, ...page.messages.map(messageBlock)].join('\n\n') };
  },
});
