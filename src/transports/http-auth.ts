import type { RequestHandler, Response } from 'express';
import { ownerSchema } from '../auth/owner.js';
import type { TokenIdentity, TokenStore } from '../auth/tokens.js';
import type { Logger } from '../logger.js';
import { RefusalLog } from './http-auth-log.js';
import { sendJsonRpcError } from './http-errors.js';
import { decodeOwnerHeader } from './http-owner-header.js';

/** The header a service token names the owner it acts for in (one per request). */
export const OWNER_HEADER = 'x-chat-history-owner';

/** Who a request acts for: the token's owner, or with a service token the owner it named. */
export interface RequestAuth extends TokenIdentity {
  /** The owner whose memory this request reaches. */
  actingOwner: string;
}

const REALM = 'Bearer realm="chat-history-mcp"';

/** The 401 body's advice: the header, a client's setting for it, and where a token comes from. */
const HOW_TO_SEND =
  'send the header Authorization: Bearer <token> with every request ' +
  '(e.g. `claude mcp add --transport http chat-history <url> --header "Authorization: Bearer <token>"`).';
const HOW_TO_CREATE = 'A token is created on the server with `chat-history-mcp token create --owner NAME`.';

/** What is wrong with an Authorization header that is not `Bearer <token>`, without a word of its value. */
function malformedDetail(header: string): string {
  const value = header.trim();
  if (/^chm_\S*$/.test(value)) return 'a token without the "Bearer " prefix';
  if (/^Bearer$/i.test(value)) return '"Bearer" without a token';
  if (/^Bearer\s/i.test(value)) return '"Bearer" must be followed by exactly one token';
  return 'not the Bearer scheme';
}

export function requestAuth(res: Response): RequestAuth {
  return res.locals.auth as RequestAuth;
}

/** Whether a request acts for its token's own owner, or a service token for another one. */
export function actingKind(auth: RequestAuth): 'token' | 'service' {
  return auth.service && auth.actingOwner !== auth.owner ? 'service' : 'token';
}

/**
 * `Authorization: Bearer <secret>` → the owner, checked against the tokens table on every
 * request (one indexed lookup), so a revoked token stops working at once on every instance.
 *
 * Written here rather than taken from the SDK's requireBearerAuth: that middleware refuses a
 * token without `expiresAt` ("Token has no expiration time"), while ours live until revoked,
 * and it puts error="invalid_token" on a request that sent no token at all, where RFC 6750
 * §3.1 says to send no error code. The owner header rule is ours anyway.
 *
 * - no bearer token: 401, `WWW-Authenticate: Bearer realm=…`
 * - unknown or revoked token: 401, with `error="invalid_token"`
 * - X-Chat-History-Owner with an ordinary token: 403 (`error="insufficient_scope"`)
 * - X-Chat-History-Owner with a service token but not a valid owner name: 400 (the value is
 *   UTF-8, raw or percent-encoded: see http-owner-header.ts)
 *
 * Every 401 is also logged at warn (why, from where, what to set: http-auth-log.ts, at most one
 * line per reason a minute), because several clients show only "Failed to connect". The body
 * says the same to the client. The secret itself is never logged or echoed.
 */
export function bearerAuth(
  tokens: TokenStore,
  logger: Logger,
  /** How a refusal is written: a JSON-RPC error for /mcp, plain JSON for the web viewer's API. */
  refuse: (res: Response, status: number, message: string) => void = sendJsonRpcError,
): RequestHandler {
  const refusals = new RefusalLog(logger);
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const secret = header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (secret === undefined) {
      res.setHeader('WWW-Authenticate', REALM);
      if (header === undefined) {
        refusals.refused(req, 'no_authorization_header');
        refuse(res, 401, `authentication required: ${HOW_TO_SEND} ${HOW_TO_CREATE}`);
      } else {
        const detail = malformedDetail(header);
        refusals.refused(req, 'malformed_authorization_header', detail);
        refuse(res, 401, `malformed Authorization header (${detail}): ${HOW_TO_SEND} ${HOW_TO_CREATE}`);
      }
      return;
    }
    const identity = await tokens.verify(secret);
    if (identity === null) {
      res.setHeader(
        'WWW-Authenticate',
        `${REALM}, error="invalid_token", error_description="unknown or revoked token"`,
      );
      refusals.refused(req, 'unknown_or_revoked_token');
      refuse(
        res,
        401,
        'invalid token: it is unknown or has been revoked (or was made for another database). ' +
          'Send a current one as Authorization: Bearer <token>; `chat-history-mcp token list` on the server shows ' +
          'the tokens, `chat-history-mcp token create --owner NAME` makes a new one.',
      );
      return;
    }

    const named = req.headers[OWNER_HEADER];
    let actingOwner = identity.owner;
    if (named !== undefined) {
      if (!identity.service) {
        res.setHeader(
          'WWW-Authenticate',
          `${REALM}, error="insufficient_scope", error_description="not a service token"`,
        );
        refuse(
          res,
          403,
          'X-Chat-History-Owner needs a service token (`token create --service`); this token acts only for its own owner',
        );
        return;
      }
      const decoded = decodeOwnerHeader(Array.isArray(named) ? named.join(',') : named);
      if ('error' in decoded) {
        refuse(res, 400, `X-Chat-History-Owner: ${decoded.error}`);
        return;
      }
      const parsed = ownerSchema.safeParse(decoded.owner);
      if (!parsed.success) {
        refuse(
          res,
          400,
          `X-Chat-History-Owner: ${parsed.error.issues[0]!.message} (an owner name is 1 to 200 characters)`,
        );
        return;
      }
      actingOwner = parsed.data;
    }
    res.locals.auth = { ...identity, actingOwner } satisfies RequestAuth;
    next();
  };
}
