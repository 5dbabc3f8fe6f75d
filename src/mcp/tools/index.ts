import { inToolsets, type ToolsetName } from '../toolsets.js';
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
import { getUsageTool } from './get-usage.js';
import { importConversationTool } from './import-conversation.js';
import { listAuditEventsTool } from './list-audit-events.js';
import { listConversationsTool } from './list-conversations.js';
import { restoreConversationTool } from './restore-conversation.js';
import { searchMessagesTool } from './search-messages.js';
import { setSummaryTool } from './set-summary.js';
import { updateConversationTool } from './update-conversation.js';

/**
 * The master list of tools, in the order clients list them. Their groups (toolsets) are named
 * in ../toolsets.ts, which matches the domain's feature folders (src/history/<group>/).
 */
export const TOOLS: readonly ToolSpec[] = [
  // conversations
  createConversationTool,
  getConversationTool,
  listConversationsTool,
  updateConversationTool,
  deleteConversationTool,
  restoreConversationTool,
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
  // account: the owner's audit trail and usage
  listAuditEventsTool,
  getUsageTool,
];

/** Which tools a server offers: `--toolsets` (default all) and `--read-only`. */
export interface ToolSelection {
  readOnly: boolean;
  toolsets?: readonly ToolsetName[];
}

/**
 * The tools a server registers: those of the chosen toolsets, and in read-only mode only the
 * ones whose annotations say readOnlyHint — derived from the annotations, so there is no
 * second list to keep in step.
 */
export function toolsFor({ readOnly, toolsets = ['all'] }: ToolSelection): readonly ToolSpec[] {
  return TOOLS.filter((t) => inToolsets(t.name, toolsets) && (!readOnly || t.annotations.readOnlyHint));
}
