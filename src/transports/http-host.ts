import { isIP } from 'node:net';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import type { RequestHandler } from 'express';

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * DNS-rebinding protection on loopback, with the SDK's own Host-header check (the one its
 * createMcpExpressApp() installs; that helper itself is not used because it also mounts
 * express.json() with its 100 kB default limit, which would refuse ordinary appends before
 * our limit applies). A web page the user visits cannot talk to the local server under a
 * rebound name: the browser sends that name as Host and gets 403. Beyond loopback the Host is
 * whatever name a load balancer or DNS gives the service, so no list is enforced; the bearer
 * token is the protection there.
 */
export function hostProtection(host: string): RequestHandler | undefined {
  if (!isLoopback(host)) return undefined;
  // The bound address itself is a valid Host too (e.g. 127.0.0.2), in the URL form: [::1].
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  const bound = isIP(bare) === 6 ? `[${bare}]` : bare;
  const allowed = [...new Set(['localhost', '127.0.0.1', '[::1]', bound])];
  return hostHeaderValidation(allowed) as RequestHandler;
}
