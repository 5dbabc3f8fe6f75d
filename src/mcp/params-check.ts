import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ClientRequestSchema, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { describeIssues, type Issue } from './request-issues.js';

type Handler = (request: unknown, extra: unknown) => Promise<unknown>;

/** A JSON-RPC error the protocol layer sends as is: its `code` and `message` (no "MCP error" prefix). */
export class InvalidParamsError extends Error {
  readonly code = ErrorCode.InvalidParams;
}

/** Each request method of the protocol, with the SDK's own schema for it. */
const SCHEMAS = new Map<string, { safeParse(v: unknown): { success: boolean; error?: { issues: unknown[] } } }>(
  ClientRequestSchema.options.map((schema) => [schema.shape.method.value, schema]),
);

/**
 * Give every request the server handles a -32602 Invalid params answer naming the field when
 * its params do not fit, e.g. "tools/call: params.arguments must be an object (got an array)".
 *
 * Why here, once: the SDK parses params inside each handler it registers and answers a
 * failure with -32603 Internal error whose message is the raw zod issue array. Checking the
 * same schema first, in front of every registered handler (the SDK's own — initialize, ping —
 * and McpServer's tools, resources, prompts, completion), turns all of them into the right
 * code and a readable message, over every transport. Methods the server does not handle are
 * left alone, so they keep their -32601 Method not found.
 *
 * Call it after everything is registered (createServer does, last). The handler map is not
 * public SDK API: if it moves, this throws at createServer (every test notices), rather than
 * letting the raw answers come back silently.
 */
export function checkRequestParams(server: Server): void {
  const handlers = (server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) {
    throw new Error('the MCP SDK no longer keeps Protocol._requestHandlers: update src/mcp/params-check.ts');
  }
  for (const [method, handler] of handlers as Map<string, Handler>) {
    const schema = SCHEMAS.get(method);
    if (schema === undefined) continue;
    handlers.set(method, (request: unknown, extra: unknown) => {
      const parsed = schema.safeParse(request);
      if (!parsed.success) {
        return Promise.reject(
          new InvalidParamsError(`${method}: ${describeIssues(parsed.error!.issues as Issue[], request)}`),
        );
      }
      return handler(request, extra);
    });
  }
}
