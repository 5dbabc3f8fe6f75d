import { searchMessagesInputSchema, searchResultView } from '../../history/search/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';
import { searchHitBlock } from './render.js';

export const searchMessagesTool = defineTool({
  name: 'search_messages',
  title: 'Search messages',
  description:
    'Find earlier messages by their words, across all your conversations or within one: use it to ' +
    'recall what was said, decided or returned by a tool when you do not know which conversation or ' +
    'where in it. Every word of `query` must occur (accents and case ignored, the last word may be the ' +
    'start of a longer word, "quoted words" must occur together); message text and tool-call names and ' +
    'arguments are searched. Narrow with conversation_id, roles, after/before (ISO-8601). Hits come best ' +
    'match first, each with its conversation, seq and a snippet marking the matched words «like this»; ' +
    'read around a hit with get_history (after_seq = seq - 1). More hits: call again with the same ' +
    'arguments and `cursor` = next_cursor.',
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
