import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { HistoryError } from '../history/core/errors.js';
import { isTransient } from '../history/core/retry.js';
import { STORAGE_FAILURE_MESSAGES, storageFailure } from '../history/core/storage-errors.js';
import type { Logger } from '../logger.js';

function errorResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/**
 * Turn anything thrown by the domain into a tool result the agent can act on. Domain errors
 * carry their own message; a database still busy after the retries says so, and so does a
 * storage failure (full, read-only, I/O error); anything else is logged with its details
 * and reported without them (no driver text, no stack).
 */
export function toolError(err: unknown, tool: string, logger: Logger): CallToolResult {
  if (err instanceof HistoryError) return errorResult(err.message);
  if (isTransient(err)) {
    logger.warn({ tool, ...errorSummary(err) }, 'database busy after retries');
    return errorResult('The database is busy (other processes are writing). Nothing was changed; try the call again.');
  }
  const storage = storageFailure(err);
  if (storage !== undefined) {
    // A disk that is full, read-only or failing: say so, rather than "internal error, try again".
    logger.error(
      {
        tool,
        storage: storage.kind,
        [storage.code.startsWith('SQLITE_') ? 'sqlite' : 'postgres']: storage.code,
        ...errorSummary(err),
      },
      'storage failure',
    );
    return errorResult(STORAGE_FAILURE_MESSAGES[storage.kind]);
  }
  logger.error({ tool, ...errorSummary(err) }, 'tool failed');
  // The full error may quote query arguments, i.e. message content: only at debug level.
  logger.debug({ tool, err }, 'tool failure details');
  return errorResult(
    `Internal error in ${tool}; nothing was changed. Try again; if it persists, check the server log.`,
  );
}

/** What an error is, without its message (Prisma messages can quote the stored values). */
export function errorSummary(err: unknown): { error: string; code?: string; stack?: string } {
  if (!(err instanceof Error)) return { error: typeof err };
  const code = (err as { code?: unknown }).code;
  const frames = err.stack?.split('\n').slice(1).join('\n');
  return { error: err.name, ...(typeof code === 'string' && { code }), ...(frames && { stack: frames }) };
}

/** JSON-RPC code the MCP spec gives "resource not found". */
const RESOURCE_NOT_FOUND = -32002;

/**
 * For requests that have no isError result (resources/read, prompts/get): domain errors become
 * protocol errors carrying their message; anything else is logged and reported without details.
 */
export async function asProtocolError<T>(fn: () => Promise<T>, logger: Logger): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof McpError) throw err; // already a protocol error that says what to do
    if (err instanceof HistoryError) {
      throw new McpError(err.code === 'not_found' ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams, err.message);
    }
    logger.error(errorSummary(err), 'request failed');
    throw new McpError(ErrorCode.InternalError, 'Internal error; nothing was changed. Check the server log.');
  }
}
