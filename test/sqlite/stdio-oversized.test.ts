import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { spawnRawStdio } from '../support/raw-stdio.js';

/**
 * A request line longer than the server reads (2 × --max-batch-bytes + 1 MiB, the HTTP body
 * limit too) is answered with an error naming the limit and the request's id, and the session
 * goes on. The SDK's own stdio reader closes the session on a line over 10 MiB; escape-heavy
 * text makes an append that long from a few MiB of stored text.
 */
const tmp = tempDir('chat-history-oversized-');
afterAll(() => tmp.cleanup());

describe('stdio: a request over the line limit', () => {
  it('is refused with its id, and the session survives', { timeout: 60_000 }, async () => {
    // --max-batch-bytes 65536: the server reads lines of at most 2 × 64 KiB + 1 MiB = 1,179,648 bytes.
    const { child, initialize, writeLine, answer } = spawnRawStdio(join(tmp.dir, 'h.db'), [
      '--max-batch-bytes',
      '65536',
    ]);
    try {
      expect((await initialize()).serverInfo.name).toBe('chat-history-mcp');

      // Written as the SDK's client writes a request: method, params, then jsonrpc and id last.
      const huge = {
        method: 'tools/call',
        params: {
          name: 'append_messages',
          arguments: { conversation_id: 'x', messages: [{ role: 'user', content: '\u0001'.repeat(300_000) }] },
        },
        jsonrpc: '2.0',
        id: 'big-7',
      };
      await writeLine(JSON.stringify(huge)); // 1.8 MB on the wire: 300,000 control characters
      const refused = await answer('big-7');
      expect(refused.error.code).toBe(-32600);
      expect(refused.error.message).toMatch(
        /^request of 1800\d{3} bytes is over the 1179648 bytes this server reads per message/,
      );

      await writeLine(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'ping' }));
      expect((await answer(8)).result).toEqual({});
      await writeLine(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 9,
          method: 'tools/call',
          params: { name: 'create_conversation', arguments: { title: 'after' } },
        }),
      );
      expect((await answer(9)).result.structuredContent.conversation.title).toBe('after');
    } finally {
      child.kill();
    }
  });
});
