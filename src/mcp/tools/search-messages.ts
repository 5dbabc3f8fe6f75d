import { searchMessagesInputSchema, searchResultView } from '../../history/search/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { searchHitBlock } from './render.js';

export const searchMessagesTool = defineTool({
  name: 'search_messages',
  title: 'Search messages',
  description:
    'Find messages by their words, in all your conversations or one: use it to recall what was said, decided ' +
    'or returned by a tool when you do not know where. Message text and tool calls are searched; hits come best ' +
    'first, with conversation, seq and a snippet marking matches «like this».',
  seeAlso: {
    get_history: 'Read around a hit with get_history (after_seq = seq - 1).',
  },
  inputSchema: () => searchMessagesInputSchema,
  outputSchema: searchResultView,
  annotations: READ_ONLY,
  async run(history, args) {
    const result = await history.searchMessages(args);
    const searched = result.terms.length === 0 ? 'nothing searchable in the query' : result.terms.join(' ');
    const lines =
      result.hits.length === 0
        ? [`No messages found (searched for: ${searched}).`]
        : [`${result.hits.length} hit(s), best first (searched for: ${searched}):`, ...result.hits.map(searchHitBlock)];
    if (result.next_cursor !== null)
      lines.push(`More: call again with the same arguments and cursor "${result.next_cursor}".`);
    return { structured: result, text: lines.join('\n\n') };
  },
});
