import { ErrorCode, JSONRPCMessageSchema, JSONRPCRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describeIssues, type Issue } from '../mcp/request-issues.js';

/**
 * What to answer a JSON message that the SDK cannot read as one JSON-RPC message, and so
 * never hands to the server: the SDK's stdio transport drops it (the client waits for ever),
 * its HTTP transport answers 400 "Parse error" without the request's id. Shared by both
 * transports so that they refuse the same things with the same codes and words.
 *
 * - A batch (an array): MCP 2025-11-25 has no batching. Each request in it that carries an
 *   id gets its own -32600 error with that id, as a separate message — that is what a client
 *   waiting on those ids can match (MCP clients read one message per line and would reject
 *   an array answer); a batch with no usable id gets one error with id null.
 * - A request whose id and method are readable but whose params (or envelope) are not:
 *   -32602 Invalid params naming the field when only params are wrong, else -32600.
 * - Anything else (no usable id: a notification, a response, an object id): nothing to
 *   answer — no client could match an answer to it.
 */

export type RequestId = string | number;

export interface ErrorAnswer {
  jsonrpc: '2.0';
  id: RequestId | null;
  error: { code: number; message: string };
}

const BATCH_REFUSAL =
  'JSON-RPC batches are not supported (MCP 2025-11-25 has no batching): send each request as its own message';

/** The answer to a batch, for one of its request ids or (id null) for the batch as a whole. */
export function batchRefusal(id: RequestId | null = null): ErrorAnswer {
  return answer(id, ErrorCode.InvalidRequest, BATCH_REFUSAL);
}

/** True when `value` is a JSON-RPC message the SDK reads; then nothing here applies. */
export function isReadableMessage(value: unknown): boolean {
  return JSONRPCMessageSchema.safeParse(value).success;
}

/** The error answers for a parsed JSON value that is not a readable JSON-RPC message. */
export function answersToUnreadable(value: unknown): ErrorAnswer[] {
  if (Array.isArray(value)) {
    const ids = [...new Set(value.filter(isAddressedRequest).map((r) => r.id))];
    return ids.length > 0 ? ids.map((id) => batchRefusal(id)) : [batchRefusal()];
  }
  if (!isAddressedRequest(value)) return [];
  const parsed = JSONRPCRequestSchema.safeParse(value);
  if (parsed.success) return [];
  const issues = parsed.error.issues as unknown as Issue[];
  const onlyParams = issues.every((i) => i.path[0] === 'params');
  const code = onlyParams ? ErrorCode.InvalidParams : ErrorCode.InvalidRequest;
  return [answer(value.id, code, `${shortMethod(value.method)}: ${describeIssues(issues, value)}`)];
}

function answer(id: RequestId | null, code: number, message: string): ErrorAnswer {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** An object with a method and an id a client can match (a string or an integer). */
function isAddressedRequest(value: unknown): value is { id: RequestId; method: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { id, method } = value as { id?: unknown; method?: unknown };
  return typeof method === 'string' && (typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)));
}

/** The method as the client wrote it, bounded: it is echoed back. */
function shortMethod(method: string): string {
  return method.length > 60 ? `${method.slice(0, 60)}…` : method;
}
