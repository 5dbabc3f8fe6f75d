/**
 * One agent's MCP connection over Streamable HTTP, two ways:
 *  - raw: plain JSON-RPC POSTs with node:http and a keep-alive agent (what an efficient client
 *    sends: initialize + notifications/initialized, then one POST per request, with the
 *    negotiated mcp-protocol-version header);
 *  - sdk: the SDK's Client + StreamableHTTPClientTransport (fetch), as bench/http.ts uses.
 * Both throw on an HTTP error status, a JSON-RPC error, or a tool result with isError.
 */
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CallToolResult,
  LATEST_PROTOCOL_VERSION,
  ListToolsResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { ClientKind } from './options.js';

export interface Endpoint {
  url: URL;
  token: string;
  /** Keep-alive connections to this instance, shared by its agents (raw client). */
  agent: http.Agent;
}

export interface McpConn {
  /** initialize, then notifications/initialized: 2 HTTP requests. */
  connect(): Promise<void>;
  ping(): Promise<void>;
  listTools(): Promise<unknown>;
  /** The tool's structuredContent. */
  callTool(name: string, args: Record<string, unknown>): Promise<any>;
  close(): Promise<void>;
}

const CLIENT_INFO = { name: 'chat-history-bench-load', version: '1.0.0' };

function toolError(name: string, result: CallToolResult): Error {
  const text = result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ');
  return new Error(`${name}: isError: ${text.slice(0, 300)}`);
}

/** The JSON-RPC message of a response body (JSON, or the data line of an SSE event). */
function parseBody(contentType: string | undefined, body: string): any {
  if (contentType?.includes('text/event-stream')) {
    const data = body
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trim())
      .join('');
    return JSON.parse(data);
  }
  return JSON.parse(body);
}

class RawConn implements McpConn {
  private nextId = 1;
  private protocolVersion: string | undefined;

  constructor(private readonly ep: Endpoint) {}

  private post(message: object): Promise<{ status: number; contentType: string | undefined; body: string }> {
    const payload = JSON.stringify(message);
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${this.ep.token}`,
      'content-length': Buffer.byteLength(payload),
    };
    if (this.protocolVersion) headers['mcp-protocol-version'] = this.protocolVersion;
    return new Promise((resolve, reject) => {
      const req = http.request(this.ep.url, { method: 'POST', agent: this.ep.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async request(method: string, params?: object): Promise<any> {
    const res = await this.post({ jsonrpc: '2.0', id: this.nextId++, method, ...(params && { params }) });
    if (res.status !== 200) throw new Error(`${method}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    const msg = parseBody(res.contentType, res.body);
    if (msg.error) throw new Error(`${method}: JSON-RPC error ${msg.error.code}: ${msg.error.message}`);
    return msg.result;
  }

  async connect(): Promise<void> {
    this.protocolVersion = undefined;
    const result = await this.request('initialize', {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    });
    this.protocolVersion = result.protocolVersion;
    const res = await this.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    if (res.status !== 202 && res.status !== 200) {
      throw new Error(`notifications/initialized: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    }
  }

  async ping(): Promise<void> {
    await this.request('ping');
  }

  listTools(): Promise<unknown> {
    return this.request('tools/list');
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<any> {
    const result = (await this.request('tools/call', { name, arguments: args })) as CallToolResult;
    if (result.isError) throw toolError(name, result);
    return result.structuredContent;
  }

  async close(): Promise<void> {}
}

class SdkConn implements McpConn {
  private client: Client | undefined;

  constructor(private readonly ep: Endpoint) {}

  private get c(): Client {
    if (!this.client) throw new Error('not connected');
    return this.client;
  }

  async connect(): Promise<void> {
    this.client = new Client(CLIENT_INFO);
    await this.client.connect(
      new StreamableHTTPClientTransport(this.ep.url, {
        requestInit: { headers: { Authorization: `Bearer ${this.ep.token}` } },
      }),
    );
  }

  async ping(): Promise<void> {
    await this.c.ping();
  }

  // Through request(), not listTools(): the latter makes the client compile and run the
  // output-schema validators on every later call (client work, not the server's).
  listTools(): Promise<unknown> {
    return this.c.request({ method: 'tools/list' }, ListToolsResultSchema);
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<any> {
    const result = (await this.c.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw toolError(name, result);
    return result.structuredContent;
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }
}

export function connection(kind: ClientKind, ep: Endpoint): McpConn {
  return kind === 'raw' ? new RawConn(ep) : new SdkConn(ep);
}

export const CLIENT_LABEL: Record<ClientKind, string> = {
  raw: 'plain JSON-RPC POSTs (node:http, keep-alive)',
  sdk: 'SDK Client + StreamableHTTPClientTransport',
};
