import { FIXED_LIMITS } from '../../history/core/limits.js';
import { exportInputSchema, exportPageView } from '../../history/transfer/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';

const PAGE_KB = Math.round(FIXED_LIMITS.exportPageBytes / 1024);

export const exportConversationTool = defineTool({
  name: 'export_conversation',
  title: 'Export conversation',
  description:
    'Export a conversation as `json` (everything; what import reads back), `markdown` (a transcript, in `text`), ' +
    '`openai` (chat-completions messages) or `anthropic` ({ system, messages }). ' +
    `Pages of about ${PAGE_KB} KB: while next_cursor is not null, call again with cursor = next_cursor and ` +
    "concatenate the texts or `messages` (anthropic: join a page's first turn to the previous one of the same " +
    'role, and `system` strings with a blank line).',
  inputSchema: () => exportInputSchema,
  outputSchema: exportPageView,
  annotations: READ_ONLY,
  async run(history, args) {
    const page = await history.exportConversation(args);
    const range = page.first_seq === null ? 'no messages' : `messages ${page.first_seq}–${page.last_seq}`;
    const more =
      page.next_cursor === null
        ? 'This is the last page.'
        : `More follows: call export_conversation again with cursor "${page.next_cursor}" and concatenate.`;
    const body = page.text ?? JSON.stringify(page.data);
    return {
      structured: page,
      text: `Export of ${page.conversation_id} as ${page.format}, ${range} of ${page.message_count}. ${more}\n\n${body}`,
    };
  },
});
