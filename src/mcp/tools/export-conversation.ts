import { FIXED_LIMITS } from '../../history/core/limits.js';
import { exportInputSchema, exportPageView } from '../../history/transfer/schemas.js';
import { defineTool, READ_ONLY } from './define-tool.js';

const PAGE_KB = Math.round(FIXED_LIMITS.exportPageBytes / 1024);

export const exportConversationTool = defineTool({
  name: 'export_conversation',
  title: 'Export conversation',
  description:
    "Export a whole conversation in a format: `json` (this server's own format with everything — metadata, names, " +
    'timestamps — and what import_conversation reads back), `markdown` (a readable transcript, in `text`), `openai` ' +
    '(a chat-completions messages array) or `anthropic` ({ system, messages } for the Messages API). ' +
    `Long conversations come in pages of about ${PAGE_KB} KB: while next_cursor is not null, call again with the same ` +
    'conversation_id and format and cursor = next_cursor, then concatenate: markdown texts as they are; json and openai ' +
    "`messages` arrays; anthropic `messages` arrays, appending a page's first turn to the previous turn when both have " +
    'the same role (pages avoid that where they can), and `system` strings joined by a blank line.',
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
