import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/client.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/history/limits.js';
import { HistoryStore } from '../../src/history/store.js';
import type { Logger } from '../../src/logger.js';
import { type HttpServerOptions, startHttpServer } from '../../src/transports/http.js';
import { clientApi, type Connected, silentLogger } from './harness.js';

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
export async function connectHttp(url: string, secret: string, headers: Record<string, string> = {}): Promise<Connected> {
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
