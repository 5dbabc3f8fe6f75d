import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { HistoryError } from '../history/errors.js';
import { isTransient } from '../history/retry.js';
import type { Logger } from '../logger.js';

/** A successful result: structured data for programs, plus text for clients that show text. */
export function ok(structured: Record<string, unknown>, text: string): CallToolResult {
  return { structuredContent: structured, content: [{ type: 'text', text }] };
}

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/**
 * Turn anything thrown by the domain into a tool result the agent can act on. Domain errors
 * carry their own message; a database still busy after the retries says so; anything else
 * is logged with its details and reported without them (no driver text, no stack).
 */
export function toolError(err: unknown, tool: string, logger: Logger): CallToolResult {
  if (err instanceof HistoryError) return errorResult(err.message);
  if (isTransient(err)) {
    logger.warn({ tool, err }, 'database busy after retries');
    return errorResult('The database is busy (other processes are writing). Nothing was changed; try the call again.');
  }
  logger.error({ tool, err }, 'tool failed');
  return errorResult(`Internal error in ${tool}; nothing was changed. Try again; if it persists, check the server log.`);
}
