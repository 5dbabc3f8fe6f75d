import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { idAtEnd, LineBuffer } from './stdio-lines.js';
import { answersToUnreadable } from './unreadable-messages.js';

/**
 * The SDK's stdio transport, except for two things its line reader (stdio-lines.ts) does:
 * a JSON line it cannot read as JSON-RPC (a batch, params that are not an object …) gets an
 * error answer when it carries an id, instead of being dropped while the client waits (see
 * unreadable-messages.ts); and a line over `maxLineBytes` is refused with an error naming the
 * limit, instead of closing the session. Everything else — framing, onerror reports — is the
 * SDK's.
 */
export class AnsweringStdioServerTransport extends StdioServerTransport {
  constructor(maxLineBytes: number) {
    super();
    const self = this as unknown as { _readBuffer?: unknown };
    if (self._readBuffer === undefined) {
      throw new Error(
        'the MCP SDK no longer keeps StdioServerTransport._readBuffer: update src/transports/stdio-transport.ts',
      );
    }
    const answer = (message: unknown) => void this.send(message as JSONRPCMessage);
    self._readBuffer = new LineBuffer(
      maxLineBytes,
      (value) => answersToUnreadable(value).forEach(answer),
      (bytes, tail) => answer(tooLarge(idAtEnd(tail), bytes, maxLineBytes)),
    );
  }
}

function tooLarge(id: string | number | null, bytes: number, maxLineBytes: number) {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: ErrorCode.InvalidRequest,
      message:
        `request of ${bytes} bytes is over the ${maxLineBytes} bytes this server reads per message (2 × --max-batch-bytes + 1 MiB, ` +
        'JSON escapes included: a control character is 6 bytes): append fewer or smaller messages per call',
    },
  };
}
