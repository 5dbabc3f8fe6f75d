import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { spawnRawStdio } from '../support/raw-stdio.js';

/**
 * Malformed input on stdin must not stop the server: invalid JSON, JSON that is not JSON-RPC,
 * broken UTF-8, a 2 MB line, requests with wrong params — interleaved with valid requests,
 * which must all be answered. Spawns the BUILT CLI and speaks raw lines to it.
 */
const tmp = tempDir('chat-history-garbage-');
afterAll(() => tmp.cleanup());

const TWO_MB = 2 * 1024 * 1024;

describe('stdio: garbage on stdin', () => {
  it('answers every valid request around malformed lines and stays up', { timeout: 60_000 }, async () => {
    const { child, writeLine, send, answer, stdout, exited } = spawnRawStdio(join(tmp.dir, 'garbage.db'), [], {
      PATH: process.env.PATH ?? '',
      HOME: tmp.dir,
    });
    let nextId = 1000;
    /** A valid request right after each garbage line: it must be answered. */
    const ping = async () => {
      const id = nextId++;
      await send({ jsonrpc: '2.0', id, method: 'ping' });
      expect(await answer(id), `ping ${id} answered`).toMatchObject({ jsonrpc: '2.0', id, result: {} });
    };

    await send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'garbage', version: '1' } },
    });
    expect((await answer(1)).result.serverInfo.name).toBe('chat-history-mcp');
    await send({ jsonrpc: '2.0', method: 'notifications/initialized' });

    const garbage: Array<string | Buffer> = [
      '{not json',
      '[1,2',
      '}',
      '',
      '   ',
      '"just a string"',
      '42',
      'null',
      'true',
      '[]',
      '{}',
      '{"hello":"world"}',
      '{"jsonrpc":"1.0","id":50,"method":"ping"}',
      '{"jsonrpc":"2.0"}',
      '{"jsonrpc":"2.0","id":{"an":"object"},"method":"ping"}',
      '{"jsonrpc":"2.0","id":51,"result":{}}', // a response to nothing
      '{"jsonrpc":"2.0","id":52,"error":{"code":1,"message":"x"}}',
      '{"jsonrpc":"2.0","method":"notifications/no-such-thing","params":{"x":1}}',
      '[{"jsonrpc":"2.0","id":53,"method":"ping"}]', // a batch (not part of this protocol version)
      Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0xc3]), // not UTF-8
      '\u0000\u0000\u0000',
      `{"jsonrpc":"2.0","id":54,"method":"ping"}\r`, // CRLF line ending
      'x'.repeat(TWO_MB),
      JSON.stringify({ padding: 'p'.repeat(TWO_MB) }),
      `{"jsonrpc":"2.0","id":55,"method":"tools/call","params":{"name":"get_history","arguments":{"conversation_id":"${'y'.repeat(TWO_MB)}"}}}`,
      '{"jsonrpc":"2.0","id":56,"method":"tools/call","params":5}',
      '{"jsonrpc":"2.0","id":57,"method":"tools/call","params":{"name":123}}',
      '{"jsonrpc":"2.0","id":58,"method":"tools/call","params":{"name":"get_history","arguments":"not an object"}}',
      '{"jsonrpc":"2.0","id":59,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}',
      '{"jsonrpc":"2.0","id":60,"method":"tools/call","params":{"name":"append_messages","arguments":{"conversation_id":"x","messages":[{"role":"user","content":5}]}}}',
      '{"jsonrpc":"2.0","id":61,"method":"tools/list","params":"oops"}',
      '{"jsonrpc":"2.0","id":62,"method":"no/such/method"}',
      '{"jsonrpc":"2.0","id":63,"method":"tools/call","params":{"name":"create_conversation","arguments":{"metadata":{"deep":' +
        '['.repeat(10_000) +
        ']'.repeat(10_000) +
        '}}}}',
    ];
    for (const line of garbage) {
      await writeLine(line);
      await ping();
    }

    // Requests that ARE JSON-RPC get an answer: an error, or an isError tool result.
    expect(await answer(54), 'CRLF-terminated request').toMatchObject({ result: {} });
    const huge = await answer(55);
    expect(huge.result?.isError ?? false, 'a 2 MB conversation_id is refused').toBe(true);
    expect(huge.result.content[0].text).toContain('conversation_id');
    // Requests with bad params get -32602 naming the field, also those the SDK's transport
    // cannot read as JSON-RPC at all (params: 5, params: "oops"); a batch gets -32600 for each
    // request id in it, a wrong jsonrpc version -32600. (Only what carries no usable id — an
    // object id, a notification — stays unanswered: no client could match an answer.)
    for (const id of [56, 57, 58, 61])
      expect(await answer(id), `request ${id} with wrong params`).toHaveProperty('error.code', -32602);
    expect(await answer(53), 'a batch').toHaveProperty('error.code', -32600);
    expect(await answer(50), 'jsonrpc "1.0"').toHaveProperty('error.code', -32600);
    const unknownTool = await answer(59);
    expect(unknownTool.error !== undefined || unknownTool.result?.isError === true, 'unknown tool').toBe(true);
    expect((await answer(60)).result.content[0].text).toContain('messages[0].content');
    expect(await answer(62)).toHaveProperty('error.code', -32601);
    expect((await answer(63)).result.isError, 'metadata nested 10,000 deep is refused').toBe(true);
    expect((await answer(63)).result.content[0].text).toMatch(/nested deeper than .* at metadata/);

    // Still the same process, still working end to end.
    expect(child.exitCode).toBeNull();
    await send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'create_conversation', arguments: { key: 'after-garbage' } },
    });
    const id = (await answer(2)).result.structuredContent.conversation.id;
    await send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: {
        name: 'append_messages',
        arguments: { conversation_id: id, messages: [{ role: 'user', content: 'still here' }] },
      },
    });
    expect((await answer(3)).result.structuredContent.message_count).toBe(1);
    await send({
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'get_history', arguments: { conversation_id: id } },
    });
    expect((await answer(4)).result.structuredContent.messages.map((m: { content: string }) => m.content)).toEqual([
      'still here',
    ]);

    child.stdin!.end();
    expect(await exited).toEqual({ code: 0, signal: null });
    const lines = stdout().split('\n');
    expect(lines.pop(), 'stdout ends with a newline').toBe('');
    for (const line of lines) {
      const msg = JSON.parse(line);
      expect(msg.jsonrpc, `stdout carries only JSON-RPC: ${line.slice(0, 200)}`).toBe('2.0');
    }
  });
});
