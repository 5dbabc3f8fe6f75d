import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { AnsweringStdioServerTransport } from './stdio-transport.js';

type Id = string | number;
const requestId = (m: JSONRPCMessage): Id | undefined => ('method' in m && 'id' in m ? m.id : undefined);
const responseId = (m: JSONRPCMessage): Id | undefined => (!('method' in m) && 'id' in m ? m.id : undefined);

/**
 * Serve one MCP session over this process's stdin/stdout. Resolves when the client has gone
 * away: stdin ended AND every request already read has been answered (a client may write a
 * batch of requests and close its end at once — those requests still run and get their
 * answers), or when the transport closes, or after `drainTimeoutMs` of waiting on stragglers.
 */
export async function serveStdio(server: McpServer, maxLineBytes: number, drainTimeoutMs = 30_000): Promise<void> {
  const transport = new AnsweringStdioServerTransport(maxLineBytes);
  await server.connect(transport);

  const pending = new Set<Id>();
  let inputEnded = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const finishIfDrained = () => inputEnded && pending.size === 0 && finish();

  // Wrap, after connect(), what the protocol layer installed: count requests in, answers out.
  const deliver = transport.onmessage!;
  transport.onmessage = (message: JSONRPCMessage) => {
    const id = requestId(message);
    if (id !== undefined) pending.add(id);
    deliver(message);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message: JSONRPCMessage) => {
    await send(message);
    const id = responseId(message);
    if (id !== undefined && pending.delete(id)) finishIfDrained();
  };

  const closedBefore = transport.onclose;
  transport.onclose = () => {
    closedBefore?.();
    finish();
  };
  process.stdin.once('end', () => {
    inputEnded = true;
    finishIfDrained();
    setTimeout(finish, drainTimeoutMs).unref();
  });
  await done;
}
