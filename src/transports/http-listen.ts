import type { Server } from 'node:http';
import type express from 'express';
import { ConfigError } from '../config.js';

/** Listen on host:port; a port in use or a bad address is a ConfigError naming the settings. */
export function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'the port is in use'
          : err.code === 'EADDRNOTAVAIL'
            ? 'no such local address'
            : err.message;
      reject(
        new ConfigError(
          `cannot listen on ${host}:${port}: ${why} (--host/--port, CHAT_HISTORY_HTTP_HOST/CHAT_HISTORY_HTTP_PORT)`,
        ),
      );
    });
  });
}

/** A host as it goes into a URL: an IPv6 address in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
