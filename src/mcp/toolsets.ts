/**
 * Toolsets: named groups of tools a server can be limited to (`--toolsets`, as
 * github-mcp-server does), so an agent that needs only part of the surface does not pay for
 * the rest in every model call's context.
 *
 * Plain data with no imports: config.ts validates names against it without loading a tool.
 * tools/index.ts holds the tools themselves; test/unit/toolsets.test.ts checks that every tool
 * is in exactly one group and that every name here is a tool.
 */

/** The groups: one per domain folder (src/history/<group>/), every tool in exactly one. */
export const TOOL_GROUPS = {
  conversations: [
    'create_conversation',
    'get_conversation',
    'list_conversations',
    'update_conversation',
    'delete_conversation',
    'restore_conversation',
    'fork_conversation',
  ],
  messages: ['append_messages', 'get_history', 'delete_messages'],
  search: ['search_messages'],
  context: ['get_context', 'set_summary'],
  transfer: ['export_conversation', 'import_conversation'],
  account: ['list_audit_events', 'get_usage'],
} as const satisfies Record<string, readonly string[]>;

/**
 * Sets across the groups, for a kind of agent. `chat`: what an agent needs to keep one
 * conversation across sessions — find it by key, store each turn, rebuild the prompt within a
 * token budget, and let a summary stand in for old turns.
 */
export const TOOL_PRESETS = {
  chat: ['create_conversation', 'append_messages', 'get_context', 'set_summary'],
} as const satisfies Record<string, readonly string[]>;

export type ToolsetName = keyof typeof TOOL_GROUPS | keyof typeof TOOL_PRESETS | 'all';

/** Every name `--toolsets` accepts, in the order help and errors list them. */
export const TOOLSET_NAMES: readonly ToolsetName[] = [
  'all',
  ...(Object.keys(TOOL_PRESETS) as ToolsetName[]),
  ...(Object.keys(TOOL_GROUPS) as ToolsetName[]),
];

const SETS: Record<Exclude<ToolsetName, 'all'>, readonly string[]> = { ...TOOL_GROUPS, ...TOOL_PRESETS };

export function isToolsetName(name: string): name is ToolsetName {
  return (TOOLSET_NAMES as readonly string[]).includes(name);
}

/**
 * Whether a tool is offered under these toolsets (their union; `all` is every tool).
 * The read-only filter is applied apart, from the tools' annotations (tools/index.ts).
 */
export function inToolsets(tool: string, toolsets: readonly ToolsetName[]): boolean {
  return toolsets.some((name) => name === 'all' || SETS[name].includes(tool));
}
