import { type Socket, connect as tcpConnect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { freshDatabase } from '../support/harness.js';
import { postMcp, startTestHttp, type TestHttpServer } from '../support/http.js';

/**
 * The request body of POST /mcp: read up to the limit and no further. A body declared larger
 * is refused before it is sent or read, a chunked one as soon as it passes the limit, and
 * every refusal of an unread body closes the connection so the client stops sending. Raw
 * sockets where the point is what was (not) sent; fetch where a real client's view matters.
 */
const LIMIT = 256 * 1024;
let database: Database;
let http: TestHttpServer;
let secret: string;

beforeAll(async () => {
  database = await freshDatabase();
  secret = (await new TokenStore(database.db).create({ owner: 'alice' })).secret;
  http = await startTestHttp(database, { maxBodyBytes: LIMIT });
});
afterAll(async () => {
  await http?.close();
  await database?.close();
});

const listTools = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });

interface RawExchange {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with the text received once a final (non-1xx) response head has arrived. */
  response: Promise<string>;
  /** Resolves when the server ends the connection. */
  ended: Promise<void>;
}

/** A POST /mcp on a raw socket: the head only; the test writes (or withholds) the body. */
async function rawPost(headers: Record<string, string>): Promise<RawExchange> {
  const url = new URL(http.url);
  const socket = tcpConnect(Number(url.port), url.hostname);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.on('error', () => undefined); // writes after the server closed: expected here
  let text = '';
  let onFinal: (text: string) => void;
  const response = new Promise<string>((resolve) => (onFinal = resolve));
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    if (/HTTP\/1\.1 [2-5]\d\d [^\r]*\r\n[\s\S]*?\r\n\r\n/.test(text)) onFinal(text);
  });
  const ended = new Promise<void>((resolve) => socket.once('end', resolve));
  const head = {
    Host: url.host,
    Authorization: `Bearer ${secret}`,
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    ...headers,
  };
  socket.write(
    `POST /mcp HTTP/1.1\r\n${Object.entries(head)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`,
  );
  return { socket, received: () => text, response, ended };
}

/** A response body as JSON, typed loosely: the assertions say what it must hold. */
const json = (res: Response): Promise<any> => res.json();
const status = (text: string) => Number(/HTTP\/1\.1 ([2-5]\d\d)/.exec(text)?.[1]);
const header = (text: string, name: string) => new RegExp(`^${name}: *([^\\r]*)`, 'im').exec(text)?.[1];

/** The exchange is answered with `code`, says Connection: close, and the server ends it. */
async function expectRefusedAndClosed(x: RawExchange, code: number): Promise<string> {
  const text = await x.response;
  expect(status(text)).toBe(code);
  expect(header(text, 'connection')).toBe('close');
  await x.ended;
  x.socket.destroy();
  return text;
}

describe('request bodies over the limit', () => {
  it('a declared Content-Length over the limit is answered 413 before a byte of the body is sent, and the connection closed', async () => {
    // No body is ever written: an answer at all means nothing was waited for.
    const x = await rawPost({ 'Content-Length': String(100 * 1024 * 1024) });
    expect(await expectRefusedAndClosed(x, 413)).toMatch(
      /request body too large: this server reads at most 262144 bytes per request/,
    );
  });

  it('Expect: 100-continue: a body over the limit is refused without asking for it; one within it is asked for', async () => {
    const refused = await rawPost({ 'Content-Length': String(100 * 1024 * 1024), Expect: '100-continue' });
    expect(await expectRefusedAndClosed(refused, 413)).not.toMatch(/100 Continue/);

    const accepted = await rawPost({ 'Content-Length': String(Buffer.byteLength(listTools)), Expect: '100-continue' });
    await expect.poll(() => accepted.received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    accepted.socket.write(listTools);
    const answer = await accepted.response;
    expect(status(answer)).toBe(200);
    expect(answer).toContain('"tools"');
    accepted.socket.destroy();
  });

  it('an unauthenticated request is refused before its body too, closing the connection', async () => {
    const x = await rawPost({ Authorization: 'Bearer chm_nobody', 'Content-Length': String(100 * 1024 * 1024) });
    await expectRefusedAndClosed(x, 401);
  });

  it('a chunked body (no Content-Length) is cut off once more than the limit has arrived, though it never ends', async () => {
    const x = await rawPost({ 'Transfer-Encoding': 'chunked' });
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    // Past the limit, then silence: the body's last chunk never comes.
    while (sent <= LIMIT + chunk.length) {
      x.socket.write(`${chunk.length.toString(16)}\r\n`);
      x.socket.write(chunk);
      x.socket.write('\r\n');
      sent += chunk.length;
    }
    await expectRefusedAndClosed(x, 413);
  });

  it('fetch uploading a body over the limit gets the 413 and its JSON-RPC message', async () => {
    const res = await postMcp(
      http.url,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(4 * LIMIT) } }),
      {
        Authorization: `Bearer ${secret}`,
      },
    );
    expect(res.status).toBe(413);
    expect((await json(res)).error.message).toMatch(/at most 262144 bytes per request/);
  });
});

describe('request bodies within the limit', () => {
  it('reads gzip bodies, and applies the limit to the decoded bytes', async () => {
    const post = (body: Buffer) =>
      fetch(http.url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${secret}`,
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          'Content-Encoding': 'gzip',
        },
        body: body,
      });
    const ok = await post(gzipSync(listTools));
    expect(ok.status).toBe(200);
    expect((await json(ok)).result.tools.length).toBeGreaterThan(0);
    // A few KiB that inflate past the limit.
    const bomb = gzipSync(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: ' '.repeat(4 * LIMIT) } }),
    );
    expect(bomb.length).toBeLessThan(LIMIT / 10);
    expect((await post(bomb)).status).toBe(413);
    expect((await post(Buffer.from('not gzip'))).status).toBe(400);
  });

  it('refuses what it cannot read with 415 and a JSON-RPC error: another media type, charset or encoding', async () => {
    const refused: Array<Record<string, string>> = [
      { 'Content-Type': 'text/plain' },
      { 'Content-Type': 'application/json; charset=latin1' },
      { 'Content-Encoding': 'compress' },
    ];
    for (const headers of refused) {
      const res = await postMcp(http.url, listTools, { Authorization: `Bearer ${secret}`, ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(415);
      expect((await json(res)).error.message).toMatch(/^unsupported /);
    }
    expect(
      (
        await postMcp(http.url, listTools, {
          Authorization: `Bearer ${secret}`,
          'Content-Type': 'application/json; charset=utf-8',
        })
      ).status,
    ).toBe(200);
  });

  it('answers a body that is not JSON with a parse error, keeping the connection (the body was read)', async () => {
    const res = await postMcp(http.url, '{"jsonrpc":', { Authorization: `Bearer ${secret}` });
    expect(res.status).toBe(400);
    expect(res.headers.get('connection')).not.toBe('close');
    expect((await json(res)).error).toEqual({ code: -32700, message: 'parse error: the body is not valid JSON' });
    // No body at all: the same parse error, not a complaint about the media type.
    const empty = await postMcp(http.url, '', { Authorization: `Bearer ${secret}` });
    expect(empty.status).toBe(400);
    expect((await json(empty)).error.code).toBe(-32700);
  });
});
