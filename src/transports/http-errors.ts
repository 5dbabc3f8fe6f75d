import type { Response } from 'express';

/**
 * Every answer of /mcp that is not the transport's own is a JSON-RPC error object, as the
 * SDK's transport and Host-header check answer theirs: a client shows one kind of body for
 * every failure, and its `message` says what to do. `id` is null because the request's id
 * is unknown (the body may not even have been read).
 *
 * When the request still has body bytes to come (refused before or while reading it), the
 * answer closes the connection: otherwise Node reads and discards the rest of the body to
 * keep the connection for a next request, which for a refused 100 MiB upload means reading
 * 100 MiB for nothing.
 */
export function sendJsonRpcError(res: Response, status: number, message: string, code = -32000): void {
  if (res.headersSent) return;
  if (bodyStillComing(res)) res.setHeader('Connection', 'close');
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

function bodyStillComing(res: Response): boolean {
  const req = res.req;
  if (req.complete) return false;
  const declared = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (declared !== undefined && declared !== '0');
}
