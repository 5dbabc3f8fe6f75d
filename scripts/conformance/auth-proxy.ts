/**
 * A header-adding reverse proxy for `npm run conformance`: the MCP conformance suite (0.1.13)
 * has no option to send an Authorization header, and `serve --http` answers every request
 * without one with 401. This forwards each request to the server unchanged, body streamed,
 * with `Authorization: Bearer <token>` added, and streams the answer back (SSE included:
 * every chunk is written as it arrives).
 *
 * Everything else passes through as sent, Host included, so the suite's DNS-rebinding
 * scenario still reaches the server's own Host check. Only the hop-by-hop headers
 * (RFC 9110 §7.6.1), which describe one connection and not the message, are left to each
 * side's own connection; any Authorization the client sent is replaced.
 */
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthProxy {
  /** The proxy's origin, e.g. http://127.0.0.1:40123; paths map one to one onto the target's. */
  origin: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/** rawHeaders ([name, value, name, value, …]) without hop-by-hop ones and those listed in Connection. */
function endToEnd(message: IncomingMessage, drop: string[] = []): string[] {
  const listed = (message.headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase());
  const skip = new Set([...HOP_BY_HOP, ...listed, ...drop]);
  const out: string[] = [];
  for (let i = 0; i < message.rawHeaders.length; i += 2) {
    const name = message.rawHeaders[i]!;
    if (!skip.has(name.toLowerCase())) out.push(name, message.rawHeaders[i + 1]!);
  }
  return out;
}

/** Listen on 127.0.0.1, a free port, forwarding to `target` (an http:// origin) with the token. */
export async function startAuthProxy(target: URL, token: string): Promise<AuthProxy> {
  const server: Server = createServer((req, res) => {
    const upstream = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: [...endToEnd(req, ['authorization']), 'Authorization', `Bearer ${token}`],
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer));
        // Send the headers now: an SSE stream may not write its first event for a while.
        res.flushHeaders();
        answer.pipe(res);
        answer.once('error', () => res.destroy());
      },
    );
    upstream.once('error', (err) => {
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`auth proxy: ${err.message}\n`);
    });
    // The client hung up (e.g. closed an SSE stream): hang up on the server too.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open SSE streams and idle keep-alive connections would hold close() forever.
        server.closeAllConnections();
      }),
  };
}
