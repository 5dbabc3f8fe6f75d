import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { Request, RequestHandler } from 'express';
import { toolListJson } from '../mcp/tool-list.js';

/**
 * A plain tools/list POST answered with the process's serialized tool list, without building a
 * transport and a server for it. Why: every client lists the tools on every connection, and
 * over stateless HTTP each request pays a transport, a server from the pool, and the
 * serialization of a 36 KB answer (JSON text, then a web Response, then Node's response):
 * measured 1.27–1.36× a ping with the list already computed. The bytes sent are the SDK's:
 * `{"result":…,"jsonrpc":"2.0","id":…}` with `Content-Type: application/json`
 * (test/tools/http-tool-list.test.ts compares them with the SDK's answer to the same request).
 *
 * Taken only for requests whose answer from the SDK is certain: after authentication (the
 * route puts it behind bearerAuth), exactly `Content-Type: application/json`, an Accept the
 * SDK takes, no protocol version header or a supported one, a single request of method
 * tools/list, a string or integer id, and no params or empty ones; and only once a server of
 * this process has computed the list of this variant. Everything else goes to the SDK.
 */
export function answerToolListFromCache(variant: string): RequestHandler {
  return (req, res, next) => {
    const json = toolListJson(variant);
    const id = json === undefined ? undefined : plainToolListId(req);
    if (id === undefined) return next();
    answered++;
    const body = `{"result":${json},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
}

let answered = 0;
/** How many tools/list requests this process answered here (tests: which path a request took). */
export function toolListShortcutCount(): number {
  return answered;
}

function plainToolListId(req: Request): string | number | undefined {
  if (req.headers['content-type'] !== 'application/json') return undefined;
  const accept = req.headers.accept;
  if (accept === undefined || !accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return undefined;
  }
  const version = req.headers['mcp-protocol-version'];
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version as string)) return undefined;
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { jsonrpc, id, method, params, ...rest } = body as Record<string, unknown>;
  if (jsonrpc !== '2.0' || method !== 'tools/list' || Object.keys(rest).length > 0) return undefined;
  if (params !== undefined && !isEmptyObject(params)) return undefined;
  if (typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id))) return id;
  return undefined;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
