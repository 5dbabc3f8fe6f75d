import type { RequestHandler } from 'express';
import { answersToUnreadable, batchRefusal, isReadableMessage } from './unreadable-messages.js';

/**
 * POST /mcp bodies the SDK cannot read as one JSON-RPC message, refused as the stdio
 * transport refuses them (unreadable-messages.ts), after the body is parsed:
 * - a batch: 400 with one -32600 error, id null. Over HTTP the response itself belongs to
 *   the request, so the client knows what failed without per-id answers (the SDK's
 *   transport would otherwise run the batch, which MCP 2025-11-25 does not have);
 * - a request with a readable id whose params are wrong (params: 5): 200 with a -32602
 *   error carrying that id — what a -32602 from a handler looks like, which an MCP client
 *   hands to the waiting call (a 400 makes clients report a transport failure instead).
 * Anything else goes on to the SDK's transport unchanged.
 */
export const refuseUnreadable: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  if (body === undefined || isReadableMessage(body)) return next();
  if (Array.isArray(body)) {
    res.status(400).json(batchRefusal());
    return;
  }
  const [answer] = answersToUnreadable(body);
  if (answer === undefined) return next();
  res.status(200).json(answer);
};
