import { describe, expect, it } from 'vitest';
import { idAtEnd, LineBuffer } from '../../src/transports/stdio-lines.js';

/** The stdio line reader: lines in any chunking; a line over the limit skipped, never held, and reported with its id. */
function reader(max: number) {
  const oversized: Array<[number, string | number | null]> = [];
  const unreadable: unknown[] = [];
  const buffer = new LineBuffer(
    max,
    (v) => unreadable.push(v),
    (bytes, tail) => oversized.push([bytes, idAtEnd(tail)]),
  );
  const read = () => {
    const out: unknown[] = [];
    for (;;) {
      try {
        const m = buffer.readMessage();
        if (m === null) return out;
        out.push(m);
      } catch {
        out.push('error');
      }
    }
  };
  return { buffer, oversized, unreadable, read };
}

const ping = (id: number | string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });

describe('LineBuffer', () => {
  it('reads lines however they are cut into chunks', () => {
    const text = `${ping(1)}\n${ping(2)}\r\n${ping(3)}\n`;
    for (let size = 1; size <= text.length; size += 7) {
      const r = reader(1000);
      const got: unknown[] = [];
      for (let i = 0; i < text.length; i += size) {
        r.buffer.append(Buffer.from(text.slice(i, i + size)));
        got.push(...r.read());
      }
      expect(got.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3]);
    }
  });

  it('skips a line over the limit, reports its size and id, and reads on', () => {
    const r = reader(100);
    const big = JSON.stringify({ method: 'tools/call', params: { x: 'y'.repeat(500) }, jsonrpc: '2.0', id: 'req-9' });
    const text = `${ping(1)}\n${big}\n${ping(2)}\n`;
    for (let i = 0; i < text.length; i += 37) r.buffer.append(Buffer.from(text.slice(i, i + 37)));
    expect(r.read().map((m) => (m as { id: number }).id)).toEqual([1, 2]);
    expect(r.oversized).toEqual([[Buffer.byteLength(big), 'req-9']]);
  });

  it('shows a parsed line that is not JSON-RPC (a batch) before throwing', () => {
    const r = reader(1000);
    r.buffer.append(Buffer.from(`[${ping(5)}]\nnot json\n${ping(6)}\n`));
    expect(r.read()).toEqual(['error', 'error', { jsonrpc: '2.0', id: 6, method: 'ping' }]);
    expect(r.unreadable).toHaveLength(1);
  });

  it('finds the id the SDK client writes last, numeric or string, and nothing else', () => {
    expect(idAtEnd('…"jsonrpc":"2.0","id":42}')).toBe(42);
    expect(idAtEnd('…,"id":"a\\"b"} ')).toBe('a"b');
    expect(idAtEnd('…"id":42,"method":"ping"}')).toBeNull();
    expect(idAtEnd('garbage')).toBeNull();
  });
});
