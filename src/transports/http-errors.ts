import type { Response } from 'express';

/**
 * Every answer of /mcp that is not the transport's own is a JSON-RPC error object, as the
 * SDK's transport and Host-header check answer theirs: a client shows one kind of body for
 * every failure, and its `message` says what to do. `id` is null because the request's id
 * is unknown (the body may not even have been read).
 */
export function sendJsonRpcError(res: Response, status: number, message: string, code = -32000): void {
  if (res.headersSent) return;
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}
