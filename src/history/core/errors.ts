/**
 * A failure the caller can act on (unknown conversation, broken rule, over a limit).
 * The MCP layer turns it into an `isError` tool result carrying `message`;
 * anything else that is thrown is an internal fault and is reported without details.
 */
export type HistoryErrorCode = 'not_found' | 'invalid_input' | 'limit_exceeded' | 'quota_exceeded' | 'conflict';

export class HistoryError extends Error {
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    /** Path of the offending input field, e.g. `messages[3].tool_call_id`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HistoryError';
  }
}

export function conversationNotFound(id: string): HistoryError {
  return new HistoryError(
    'not_found',
    `conversation ${id} not found: conversation_id must be an id from create_conversation or list_conversations`,
    'conversation_id',
  );
}

/** `['messages', 3, 'tool_call_id']` -> `messages[3].tool_call_id` (the SDK's own format). */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, seg) => {
    if (typeof seg === 'number') return `${acc}[${seg}]`;
    return acc === '' ? String(seg) : `${acc}.${String(seg)}`;
  }, '');
}
