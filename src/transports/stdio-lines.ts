import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * Lines of stdin as JSON-RPC messages, for the stdio transport (the SDK's ReadBuffer
 * interface: append, readMessage, clear), with two changes:
 *
 * - A line that parses as JSON but not as a JSON-RPC message is shown to `onUnreadable`
 *   before the error is thrown on to the transport's onerror, so that it can be answered.
 * - A line longer than `maxLineBytes` does not close the session, as the SDK's buffer does
 *   (it throws, and its transport then closes): the rest of the line is skipped as it
 *   arrives, never held, and `onOversized` gets its size and its last bytes — where the SDK's
 *   client writes the request id — so the request is answered with an error the client can
 *   match. Chunks of a line are kept in a list and joined once, when the line is complete.
 */
export class LineBuffer {
  /** Complete lines not read yet, and the start of the line still arriving. */
  private lines: Buffer[] = [];
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Set while the rest of an oversized line is being skipped. */
  private skipping: { bytes: number; tail: Buffer } | undefined;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onUnreadable: (value: unknown) => void,
    private readonly onOversized: (bytes: number, tail: string) => void,
  ) {}

  append(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      const newline = data.indexOf(0x0a);
      const piece = newline === -1 ? data : data.subarray(0, newline);
      if (this.skipping !== undefined) {
        this.skipping.bytes += piece.length;
        this.skipping.tail = lastBytes(Buffer.concat([this.skipping.tail, piece]));
      } else if (this.partialBytes + piece.length > this.maxLineBytes) {
        // Only the line's last bytes will matter: the id is written at its end.
        this.skipping = {
          bytes: this.partialBytes + piece.length,
          tail: lastBytes(Buffer.concat([this.partial.at(-1) ?? Buffer.alloc(0), piece])),
        };
        this.partial = [];
        this.partialBytes = 0;
      } else {
        this.partial.push(piece);
        this.partialBytes += piece.length;
      }
      if (newline === -1) return;
      this.endLine();
      data = data.subarray(newline + 1);
    }
  }

  private endLine(): void {
    if (this.skipping !== undefined) {
      this.onOversized(this.skipping.bytes, this.skipping.tail.toString('utf8'));
      this.skipping = undefined;
      return;
    }
    this.lines.push(Buffer.concat(this.partial));
    this.partial = [];
    this.partialBytes = 0;
  }

  readMessage(): JSONRPCMessage | null {
    const line = this.lines.shift();
    if (line === undefined) return null;
    const value: unknown = JSON.parse(line.toString('utf8').replace(/\r$/, ''));
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.onUnreadable(value);
    throw parsed.error;
  }

  clear(): void {
    this.lines = [];
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = undefined;
  }
}

const TAIL_BYTES = 512;

function lastBytes(buffer: Buffer): Buffer {
  return buffer.length <= TAIL_BYTES ? buffer : Buffer.from(buffer.subarray(buffer.length - TAIL_BYTES));
}

/** The id at the end of a JSON-RPC request line (`…,"id":7}`), as the SDK's client writes it. */
export function idAtEnd(tail: string): string | number | null {
  const m = /"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")\s*\}\s*$/.exec(tail);
  if (m === null) return null;
  return m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : Number(m[1]);
}
