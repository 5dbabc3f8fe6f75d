import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/history/core/limits.js';
import { HistoryStore } from '../../src/history/store.js';
import type { Logger } from '../../src/logger.js';
import { type HttpServerOptions, startHttpServer } from '../../src/transports/http.js';
import { type Connected, clientApi, silentLogger } from './harness.js';

export interface TestHttpServer {
  url: string;
  /** The endpoint's origin, e.g. http://127.0.0.1:41234, for /healthz and raw requests. */
  origin: string;
  tokens: TokenStore;
  close(): Promise<void>;
}

/**
 * startHttpServer() in-process on a free loopback port, over `database`. At least one token
 * must exist before it starts (the server refuses otherwise): pass `tokens` to create them.
 */
export async function startTestHttp(
  database: Database,
  options: { limits?: Partial<Limits>; readOnly?: boolean; logger?: Logger } & Partial<HttpServerOptions> = {},
): Promise<TestHttpServer> {
  const { limits, logger = silentLogger, ...rest } = options;
  const store = new HistoryStore(database, { ...DEFAULT_LIMITS, ...limits }, 10_000);
  const tokens = new TokenStore(database.db);
  const server = await startHttpServer({
    store,
    tokens,
    db: database.db,
    logger,
    version: '0.0.0-test',
    readOnly: false,
    host: '127.0.0.1',
    port: 0,
    ...rest,
  });
  return { url: server.url, origin: new URL(server.url).origin, tokens, close: () => server.close() };
}

/** A real SDK Client over Streamable HTTP, sending `secret` (and any extra headers) on every request. */
export async function connectHttp(
  url: string,
  secret: string,
  headers: Record<string, string> = {},
): Promise<Connected> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${secret}`, ...headers } },
  });
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(transport);
  return clientApi(client, () => client.close());
}

/** A POST of one JSON-RPC request to /mcp with fetch, for status codes and headers. */
export function postMcp(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/**
 * A POST of one JSON-RPC request on a raw socket, each header value sent as exactly the bytes
 * given (a Buffer) or as ASCII: what curl or Python's requests send for a UTF-8 header value.
 * Node's own client writes a header string as Latin-1 or as UTF-8 depending on how the body
 * is passed, which would blur a test of the bytes.
 */
export async function postWithHeaderBytes(
  url: string,
  headers: Record<string, string | Buffer>,
  payload: unknown,
): Promise<{ status: number; body: any }> {
  const { connect } = await import('node:net');
  const u = new URL(url);
  const body = Buffer.from(JSON.stringify(payload));
  const all: Record<string, string | Buffer> = {
    Host: u.host,
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    Connection: 'close',
    'Content-Length': String(body.length),
    ...headers,
  };
  const head = Buffer.concat(
    Object.entries(all).flatMap(([k, v]) => [Buffer.from(`${k}: `), Buffer.from(v), Buffer.from('\r\n')]),
  );
  const socket = connect(Number(u.port), u.hostname);
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  // No end(): Node's server drops a request whose client half-closes before the answer.
  socket.write(Buffer.concat([Buffer.from(`POST ${u.pathname} HTTP/1.1\r\n`), head, Buffer.from('\r\n'), body]));
  await closed;
  const [status, payloadText] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(status!)?.[1]), body: JSON.parse(payloadText!) };
}
