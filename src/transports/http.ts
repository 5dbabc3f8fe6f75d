import type { AddressInfo } from 'node:net';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { TokenStore } from '../auth/tokens.js';
import { ConfigError } from '../config.js';
import type { HistoryDb } from '../db/index.js';
import type { Actor } from '../history/core/actor.js';
import { maxRequestBytes } from '../history/core/limits.js';
import type { HistoryStore } from '../history/store.js';
import type { Logger } from '../logger.js';
import { createServer, toolListVariant } from '../mcp/server.js';
import { toolsFor } from '../mcp/tools/index.js';
import type { ToolsetName } from '../mcp/toolsets.js';
import { viewerRoutes } from '../viewer/index.js';
import { viewerTokenAuth } from '../viewer/token-auth.js';
import { actingKind, bearerAuth, type RequestAuth, requestAuth } from './http-auth.js';
import { continueOnlyWhenRead, jsonBody } from './http-body.js';
import { sendJsonRpcError } from './http-errors.js';
import { hostProtection, isLoopback } from './http-host.js';
import { listen, urlHost } from './http-listen.js';
import { answerToolListFromCache } from './http-tool-list.js';
import { refuseUnreadable } from './http-unreadable.js';
import { InFlight } from './in-flight.js';
import { ServerPool } from './server-pool.js';

export interface HttpServerOptions {
  store: HistoryStore;
  tokens: TokenStore;
  /** For /healthz: a trivial query proves the database answers. */
  db: HistoryDb;
  logger: Logger;
  version: string;
  readOnly: boolean;
  /** Offer only the tools of these toolsets (default: all). */
  toolsets?: readonly ToolsetName[];
  host: string;
  /** 0 picks a free port; the URL returned (and logged) has the real one. */
  port: number;
  /** Largest request body read; default 2 × maxBatchBytes + 1 MiB (maxRequestBytes in history/core/limits.ts). */
  maxBodyBytes?: number;
  /** Time to receive a request's headers (slow-loris guard). */
  headersTimeoutMs?: number;
  /** Time to receive a whole request, body included (not the time to answer it). */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open: above the usual 60 s of load balancers. */
  keepAliveTimeoutMs?: number;
  /** On close(), how long in-flight requests may take before their connections are cut. */
  drainTimeoutMs?: number;
}

export interface RunningHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:8808/mcp. */
  url: string;
  /** Stop accepting, let in-flight requests finish, close connections. Does not close the store. */
  close(): Promise<void>;
}

/**
 * Serve MCP over Streamable HTTP at /mcp, stateless: every POST is complete in itself (no
 * session id, no SSE stream), so any number of instances can sit behind a plain load
 * balancer. Each request is authenticated by its bearer token, which picks the owner; the
 * request is then handled by a server built for that owner alone (see server-pool.ts).
 *
 * Over HTTP a token is always required, on loopback too: the refusal to start without one
 * is here, so that no configuration can serve memory to whoever can reach the port.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { store, tokens, db, logger, version, readOnly, toolsets, host } = options;
  if (!(await tokens.anyActive())) {
    throw new ConfigError(
      'the HTTP transport needs a bearer token and the database holds none: create one with ' +
        '`chat-history-mcp token create --owner NAME` (with the same --db / DATABASE_URL), then start again',
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? maxRequestBytes(store.limits.maxBatchBytes);

  const pool = new ServerPool({
    build: (owner) => {
      const built = createServer({
        history: store.forOwner(owner),
        logger,
        version,
        readOnly,
        ...(toolsets !== undefined && { toolsets }),
      });
      // Transport-level refusals (406 Not Acceptable, bad protocol version …) surface here.
      built.server.server.onerror = (err) => logger.debug({ err: err.message }, 'mcp transport error');
      return built;
    },
  });
  const inflight = new InFlight();
  let stopping = false;

  const app = express();
  app.disable('x-powered-by');
  // Answers to POSTs are never cached or revalidated: an ETag would be work for nothing.
  app.set('etag', false);
  app.use(requestLog(logger));
  app.use((_req, res, next) => {
    // A request counts from its first byte (its body may still be uploading) until its
    // response is written or its connection gone; handleMcp adds its own count until the
    // tool handlers are done, as a client may hang up while its append is committing.
    res.once('close', inflight.start());
    // While draining, answer what is already on a connection and tell the client to reconnect
    // (to another instance, behind a load balancer) for the next request.
    if (stopping) res.setHeader('Connection', 'close');
    next();
  });
  const hostCheck = hostProtection(host);
  if (hostCheck !== undefined) app.use(hostCheck);

  app.get('/healthz', async (_req, res) => {
    try {
      await db.$queryRaw`SELECT 1`;
      res.status(200).json({ status: 'ok' });
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  const handleMcp: RequestHandler = async (req, res) => {
    const auth = requestAuth(res);
    const { actingOwner } = auth;
    const entry = pool.acquire(actingOwner);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: maxBodyBytes,
    });
    const done = inflight.start();
    try {
      await entry.server.connect(transport);
      // The SDK hands req.auth to the tool handlers: that is how the audit trail learns the
      // token behind each write (mcp/server.ts callerOf). Never the secret.
      (req as typeof req & { auth?: AuthInfo }).auth = {
        token: '',
        clientId: auth.tokenId,
        scopes: [],
        extra: { actor: actorOf(auth) },
      };
      // Resolves once every response of the request is written: the tool handlers (and an
      // append's transaction) have finished, even if the client went away meanwhile.
      await transport.handleRequest(req, res, req.body);
    } finally {
      // Closing detaches the server from this transport, ready for the next request.
      await transport.close();
      pool.release(actingOwner, entry);
      done();
    }
  };
  // Auth before the body is read: an unauthenticated client cannot make us buffer megabytes.
  // The same variant createServer computes for each owner's server (its tools, the store's limits).
  const toolList = answerToolListFromCache(
    toolListVariant(toolsFor({ readOnly, ...(toolsets !== undefined && { toolsets }) }), store.limits),
  );
  app.post('/mcp', bearerAuth(tokens, logger), jsonBody(maxBodyBytes), refuseUnreadable, toolList, handleMcp);
  app.all('/mcp', (_req, res) => {
    res.setHeader('Allow', 'POST');
    sendJsonRpcError(
      res,
      405,
      'method not allowed: this server is stateless, POST JSON-RPC to /mcp (no SSE stream, no sessions)',
    );
  });
  // The read-only web viewer at / (its API under /api), with the same tokens and owner rule.
  app.use(viewerRoutes({ store, authenticate: viewerTokenAuth(tokens, logger), logger }));
  app.use((_req, res) =>
    sendJsonRpcError(
      res,
      404,
      'not found: the MCP endpoint is POST /mcp, the health check GET /healthz, the web viewer GET /',
    ),
  );
  app.use(errorHandler(logger));

  const server = await listen(app, options.port, host);
  continueOnlyWhenRead(server);
  server.headersTimeout = options.headersTimeoutMs ?? 66_000;
  server.requestTimeout = options.requestTimeoutMs ?? 120_000;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  const url = `http://${urlHost(host)}:${(server.address() as AddressInfo).port}/mcp`;
  if (!isLoopback(host)) {
    logger.warn(
      { host },
      'listening beyond loopback without TLS: put a TLS-terminating proxy or load balancer in front',
    );
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = await inflight.drained(options.drainTimeoutMs ?? 30_000);
      if (!drained)
        logger.warn(
          { inFlight: inflight.count },
          'requests still running after the drain timeout: closing their connections',
        );
      server.closeAllConnections();
      await closed;
      await pool.close();
    })());
  return { url, close };
}

/** The audit trail's actor for a request: the token, and whether it acts for another owner. */
function actorOf(auth: RequestAuth): Actor {
  return { kind: actingKind(auth), id: auth.tokenId, ...(auth.name !== null && { name: auth.name }) };
}

/** One line per request at debug: never a header value, so never a secret. */
function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (!logger.isLevelEnabled('debug')) return next();
    const started = performance.now();
    res.once('finish', () => {
      const auth = res.locals.auth as { tokenId?: string; actingOwner?: string } | undefined;
      logger.debug(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: +(performance.now() - started).toFixed(2),
          ...(auth && { owner: auth.actingOwner, tokenId: auth.tokenId }),
        },
        'http request',
      );
    });
    next();
  };
}

/** Anything thrown: a JSON-RPC error, never an HTML page or a stack (body errors: http-body.ts). */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: { status?: number; message?: string }, _req, res, _next) => {
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      sendJsonRpcError(res, err.status, `bad request: ${err.message ?? 'unreadable body'}`);
    } else {
      logger.error({ err: err.message }, 'http request failed');
      sendJsonRpcError(res, 500, 'internal error', -32603);
    }
  };
}
