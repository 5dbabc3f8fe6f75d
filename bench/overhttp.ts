/**
 * The HTTP figures of `npm run bench` (one `serve --http` instance each, http-server.ts):
 *
 * - tools/list vs ping as plain JSON-RPC POSTs (fetch, keep-alive, no SDK client) on SQLite:
 *   what listing the tools costs the server beyond a round trip, without the client's own work.
 * - PostgreSQL, when a server is given (BENCH_POSTGRES_URL or CHAT_HISTORY_TEST_POSTGRES_URL):
 *   append_messages of one message through the SDK client over HTTP against its limit, the SDK
 *   client's ping over the same connection + the same row inserted with raw SQL (pg, one
 *   statement that bumps the count and inserts the message, as an append must).
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { type CallToolResult, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import {
  type Backend,
  createToken,
  HTTP_OWNER,
  httpClient,
  postgresAdminUrl,
  postgresBackend,
  sqliteBackend,
  startServer,
} from './http-server.js';
import { FAST, measure, type Plan, round1, type Timing } from './stats.js';

export interface HttpFigures {
  sqlite: { ping_post: Timing; tools_list_post: Timing; tools_list_over_ping: number };
  postgresql: {
    ping: Timing;
    append_1: Timing;
    raw_insert: Timing;
    limit_us: number;
    ratio: number;
  } | null;
}

/** tools/list is tens of ms: fewer iterations, same time budget. */
const LIST_PLAN: Plan = { n: 200, warmup: 10, budgetMs: 6000 };
const round2 = (x: number) => Math.round(x * 100) / 100;
const TEXT = 'observation: the user prefers concise answers and works on the billing service in Go';

async function withServer<T>(backend: Backend, fn: (url: string, secret: string) => Promise<T>): Promise<T> {
  try {
    const secret = createToken(backend.env);
    const server = await startServer(backend.env);
    try {
      return await fn(server.url, secret);
    } finally {
      await server.stop();
    }
  } finally {
    await backend.cleanup();
  }
}

/** One JSON-RPC request as a plain POST; throws unless it answers with a result. */
function poster(url: string, secret: string): (method: string, id: number) => Promise<unknown> {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${secret}`,
    'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
  };
  return async (method, id) => {
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method }) });
    const text = await res.text();
    const msg = res.ok ? (JSON.parse(text) as { result?: unknown }) : null;
    if (!msg?.result) throw new Error(`${method}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return msg.result;
  };
}

async function sqliteFigures(): Promise<HttpFigures['sqlite']> {
  return withServer(sqliteBackend(), async (url, secret) => {
    const post = poster(url, secret);
    const ping_post = await measure(FAST, (i) => post('ping', i));
    const tools_list_post = await measure(LIST_PLAN, (i) => post('tools/list', i));
    return { ping_post, tools_list_post, tools_list_over_ping: round2(tools_list_post.p50_us / ping_post.p50_us) };
  });
}

async function postgresFigures(adminUrl: string): Promise<NonNullable<HttpFigures['postgresql']>> {
  const backend = await postgresBackend(adminUrl);
  const dbUrl = backend.databaseUrl!;
  return withServer(backend, async (url, secret) => {
    const client = await httpClient(url, secret);
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content).slice(0, 300)}`);
      return result.structuredContent as any;
    };
    let ping: Timing;
    let append_1: Timing;
    let id: string;
    try {
      id = (await call('create_conversation', { key: 'bench', title: 'bench' })).conversation.id as string;
      ping = await measure(FAST, () => client.ping());
      append_1 = await measure(FAST, (i) =>
        call('append_messages', { conversation_id: id, messages: [{ role: 'user', content: `${TEXT} ${i}` }] }),
      );
    } finally {
      await client.close();
    }
    // The same row, by hand: one round trip, one statement (atomic on its own) that takes the
    // next seq from the conversation's count, as the server's append must; the search-index
    // trigger fires as it does for the server's inserts.
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const sql = `WITH c AS (
          UPDATE conversations SET message_count = message_count + 1, updated_at = now()
          WHERE id = $1 AND owner = $2 RETURNING message_count)
        INSERT INTO messages (id, conversation_id, seq, role, content, created_at)
        SELECT $3, $1, c.message_count, 'user', $4, now() FROM c`;
      const raw_insert = await measure(FAST, async (i) => {
        const r = await db.query(sql, [id, HTTP_OWNER, randomUUID(), `${TEXT} raw ${i}`]);
        if (r.rowCount !== 1) throw new Error('raw insert: conversation not found');
      });
      const limit_us = round1(ping.p50_us + raw_insert.p50_us);
      return { ping, append_1, raw_insert, limit_us, ratio: round2(append_1.p50_us / limit_us) };
    } finally {
      await db.end();
    }
  });
}

export async function httpFigures(log: (s: string) => void): Promise<HttpFigures> {
  // The SDK's HTTP client and Node 20's fetch leave one abort listener per request on a shared
  // signal: thousands of sequential calls would trip the leak warning.
  setMaxListeners(1_000_000);
  log('HTTP (SQLite): plain POST ping and tools/list');
  const sqlite = await sqliteFigures();
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) {
    log('HTTP (PostgreSQL) skipped: set BENCH_POSTGRES_URL (or CHAT_HISTORY_TEST_POSTGRES_URL)');
    return { sqlite, postgresql: null };
  }
  log('HTTP (PostgreSQL): SDK ping, append_messages(1), raw insert of the same row');
  return { sqlite, postgresql: await postgresFigures(adminUrl) };
}
