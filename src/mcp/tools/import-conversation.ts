import { conversationView } from '../../history/conversations/schemas.js';
import { FIXED_LIMITS } from '../../history/core/limits.js';
import { importInputSchema } from '../../history/transfer/schemas.js';
import { defineTool } from './define-tool.js';
import { conversationBlock } from './render.js';

export const importConversationTool = defineTool({
  name: 'import_conversation',
  title: 'Import conversation',
  description:
    "Create a NEW conversation from a transcript: `json` (from export_conversation, with its pages' messages " +
    'concatenated), `openai` (a chat-completions messages array) or `anthropic` ({ system, messages }, tool_use and ' +
    'tool_result blocks become tool calls and tool messages). Every message must pass the append_messages rules, and ' +
    'every tool result must answer a call earlier in the data; if anything is invalid, nothing is created and the ' +
    `error names the path inside data. Up to ${FIXED_LIMITS.importMessagesMax} messages. Pass a \`key\` to find it ` +
    'again later; a key that is already in use is an error (import never merges into an existing conversation).',
  inputSchema: importInputSchema,
  outputSchema: conversationView,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(history, args) {
    const conversation = await history.importConversation(args);
    return { structured: conversation, text: `Imported conversation ${conversationBlock(conversation)}` };
  },
});
