import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { answersToUnreadable } from './unreadable-messages.js';

/**
 * The SDK's stdio transport, except that a JSON line it cannot read as JSON-RPC (a batch,
 * params that are not an object …) gets an error answer when it carries an id, instead of
 * being dropped while the client waits (see unreadable-messages.ts). Everything else —
 * framing, the 10 MB line limit, onerror reports — is the SDK's.
 */
export class AnsweringStdioServerTransport extends StdioServerTransport {
  constructor() {
    super();
    const self = this as unknown as { _readBuffer?: unknown };
    if (self._readBuffer === undefined) {
      throw new Error('the MCP SDK no longer keeps StdioServerTransport._readBuffer: update src/transports/stdio-transport.ts');
    }
    self._readBuffer = new LineBuffer((value) => {
      for (const answer of answersToUnreadable(value)) void this.send(answer as unknown as JSONRPCMessage);
    });
  }
}

/**
 * The SDK's ReadBuffer (same interface, same limit, same line handling) with one change:
 * a parsed line that fails the message schema is shown to `onUnreadable` before the error
 * is thrown on to the transport's onerror, as the SDK's own buffer throws it.
 */
class LineBuffer {
  private buffer: Buffer | undefined;

  constructor(
    private readonly onUnreadable: (value: unknown) => void,
    private readonly maxBufferSize = STDIO_DEFAULT_MAX_BUFFER_SIZE,
  ) {}

  append(chunk: Buffer): void {
    const size = (this.buffer?.length ?? 0) + chunk.length;
    if (size > this.maxBufferSize) {
      this.clear();
      throw new Error(`ReadBuffer exceeded maximum size of ${this.maxBufferSize} bytes`);
    }
    this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
  }

  readMessage(): JSONRPCMessage | null {
    if (!this.buffer) return null;
    const index = this.buffer.indexOf('\n');
    if (index === -1) return null;
    const line = this.buffer.toString('utf8', 0, index).replace(/\r$/, '');
    this.buffer = this.buffer.subarray(index + 1);
    const value: unknown = JSON.parse(line);
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.onUnreadable(value);
    throw parsed.error;
  }

  clear(): void {
    this.buffer = undefined;
  }
}
