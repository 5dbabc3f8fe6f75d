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
    logger.warn({ tool, ...errorSummary(err) }, 'database busy after retries');
    return errorResult('The database is busy (other processes are writing). Nothing was changed; try the call again.');
  }
  logger.error({ tool, ...errorSummary(err) }, 'tool failed');
  // The full error may quote query arguments, i.e. message content: only at debug level.
  logger.debug({ tool, err }, 'tool failure details');
  return errorResult(`Internal error in ${tool}; nothing was changed. Try again; if it persists, check the server log.`);
}

/** What an error is, without its message (Prisma messages can quote the stored values). */
function errorSummary(err: unknown): { error: string; code?: string; stack?: string } {
  if (!(err instanceof Error)) return { error: typeof err };
  const code = (err as { code?: unknown }).code;
  const frames = err.stack?.split('\n').slice(1).join('\n');
  return { error: err.name, ...(typeof code === 'string' && { code }), ...(frames && { stack: frames }) };
}
