import { conversationView } from '../../history/conversations/schemas.js';
import { importInputSchema } from '../../history/transfer/schemas.js';
import { defineTool } from './define-tool.js';
import { conversationBlock } from './render.js';

export const importConversationTool = defineTool({
  name: 'import_conversation',
  title: 'Import conversation',
  description:
    "Create a NEW conversation from `json` (an export, its pages' messages concatenated), `openai` (a messages " +
    'array) or `anthropic` ({ system, messages }; tool_use / tool_result blocks become tool calls and results). ' +
    'Messages follow the append rules; if anything is invalid nothing is created and the error names the path ' +
    'in data. A `key` already in use is an error: import never merges.',
  inputSchema: importInputSchema,
  outputSchema: conversationView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const conversation = await history.importConversation(args);
    return { structured: conversation, text: `Imported conversation ${conversationBlock(conversation)}` };
  },
});
