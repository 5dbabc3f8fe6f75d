import { appendMessagesTool } from './append-messages.js';
import { createConversationTool } from './create-conversation.js';
import type { ToolSpec } from './define-tool.js';
import { deleteConversationTool } from './delete-conversation.js';
import { deleteMessagesTool } from './delete-messages.js';
import { exportConversationTool } from './export-conversation.js';
import { forkConversationTool } from './fork-conversation.js';
import { getContextTool } from './get-context.js';
import { getConversationTool } from './get-conversation.js';
import { getHistoryTool } from './get-history.js';
import { importConversationTool } from './import-conversation.js';
import { listConversationsTool } from './list-conversations.js';
import { searchMessagesTool } from './search-messages.js';
import { setSummaryTool } from './set-summary.js';
import { updateConversationTool } from './update-conversation.js';

/**
 * The master list of tools, in the order clients list them, in groups that match the domain's
 * feature folders (src/history/<group>/).
 */
export const TOOLS: readonly ToolSpec[] = [
  // conversations
  createConversationTool,
  getConversationTool,
  listConversationsTool,
  updateConversationTool,
  deleteConversationTool,
  forkConversationTool,
  // messages
  appendMessagesTool,
  getHistoryTool,
  deleteMessagesTool,
  // search
  searchMessagesTool,
  // context: memory for the model's context window
  getContextTool,
  setSummaryTool,
  // transfer: other formats in and out
  exportConversationTool,
  importConversationTool,
];

/**
 * The tools a server registers. Read-only mode keeps the tools whose annotations say
 * readOnlyHint — derived from the annotations, so there is no second list to keep in step.
 */
export function toolsFor(options: { readOnly: boolean }): readonly ToolSpec[] {
  return options.readOnly ? TOOLS.filter((t) => t.annotations.readOnlyHint) : TOOLS;
}
