import { appendMessagesTool } from './append-messages.js';
import { createConversationTool } from './create-conversation.js';
import { deleteConversationTool } from './delete-conversation.js';
import { getConversationTool } from './get-conversation.js';
import { getHistoryTool } from './get-history.js';
import { listConversationsTool } from './list-conversations.js';
import type { ToolSpec } from './types.js';
import { updateConversationTool } from './update-conversation.js';

/** The master list of tools, in the order clients list them. */
export const TOOLS: readonly ToolSpec[] = [
  createConversationTool,
  getConversationTool,
  listConversationsTool,
  updateConversationTool,
  deleteConversationTool,
  appendMessagesTool,
  getHistoryTool,
];
