import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { jsonBytes, jsonTextBytes, jsonTextPrefix } from '../history/core/response-budget.js';

/**
 * The last line of the response budget (history/response-budget.ts). Tools fit their pages
 * to it by construction, counting their text rendering too; what can still overrun is one
 * item larger than the budget on its own (a message stored before the budget, or under a
 * larger --max-response-bytes). Then the text rendering is shortened, with a marker: the
 * structured result is the whole answer. If even that is too big, the agent gets an error
 * saying so instead of a response the transport would drop, closing the session.
 */

/** JSON-RPC envelope and content wrapper around the structured result and the text. */
const ENVELOPE = 512;

export function budgetedResult(structured: Record<string, unknown>, text: string, maxBytes: number): CallToolResult {
  const structuredBytes = jsonBytes(structured);
  const room = maxBytes - ENVELOPE - structuredBytes;
  const marker =
    `\n\n[… text shortened to fit the response budget of ${maxBytes} bytes (server option --max-response-bytes); ` +
    'the structured result holds everything]';
  if (room < jsonTextBytes(marker) + 1024) {
    return {
      isError: true,
      content: [
        {
          type: 'text',
          text:
            `This result takes ${structuredBytes} bytes as JSON, over the server's response budget of ${maxBytes} bytes ` +
            '(server option --max-response-bytes). Ask for less (a smaller limit, max_tokens or page); one message too large ' +
            'for any response can be read with the command line: `chat-history-mcp export`.',
        },
      ],
    };
  }
  const fitted =
    jsonTextBytes(text) <= room ? text : `${jsonTextPrefix(text, room - jsonTextBytes(marker) + 2)}${marker}`;
  return { structuredContent: structured, content: [{ type: 'text', text: fitted }] };
}

/**
 * For resources and prompts, which fit their content to the budget by construction and have
 * no isError result: one that still does not fit is refused with a protocol error saying so.
 */
export function withinBudget<T>(result: T, maxBytes: number, what: string): T {
  const bytes = jsonBytes(result);
  if (bytes > maxBytes) {
    throw new McpError(
      ErrorCode.InvalidRequest,
      `${what} takes ${bytes} bytes as JSON, over the server's response budget of ${maxBytes} bytes (server option ` +
        '--max-response-bytes): read the conversation with get_history or export_conversation, which page',
    );
  }
  return result;
}
