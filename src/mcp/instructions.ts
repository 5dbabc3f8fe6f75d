/**
 * The server's `instructions` (sent once, at initialize): how the offered tools fit together.
 * Built from the tools this server offers (toolsets, read-only mode), so it never tells the
 * model to call a tool it does not have.
 */

/** A sentence, and the tools it names: it is said only when all of them are offered. */
type Line = readonly [needs: readonly string[], text: string];

const LINES: readonly Line[] = [
  [
    ['create_conversation'],
    'create_conversation with a stable key (your session or thread id) finds or creates a conversation.',
  ],
  [['append_messages'], 'Call append_messages after each turn, tool calls and their results included.'],
  [['get_context'], 'get_context rebuilds a prompt from the most recent messages within a token budget.'],
  [['set_summary'], 'When older turns no longer fit, store a summary of them with set_summary.'],
  [['search_messages'], 'search_messages finds what was said in any conversation.'],
  [['list_conversations'], 'list_conversations finds a conversation to continue.'],
  [['get_history'], 'get_history pages through messages exactly as stored.'],
  [
    ['export_conversation'],
    'export_conversation renders a conversation as JSON, Markdown, or OpenAI / Anthropic messages.',
  ],
];

export function serverInstructions(offered: ReadonlySet<string>, readOnly: boolean): string {
  const said = LINES.filter(([needs]) => needs.every((name) => offered.has(name))).map(([, text]) => text);
  return [
    'Durable conversation memory: messages come back exactly as stored, ordered by seq.',
    ...(readOnly ? ['This server is read-only: it reads memory and cannot change it.'] : []),
    ...said,
  ].join(' ');
}
