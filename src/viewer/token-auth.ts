import type { RequestHandler } from 'express';
import type { TokenStore } from '../auth/tokens.js';
import type { Logger } from '../logger.js';
import { actingKind, bearerAuth, requestAuth } from '../transports/http-auth.js';
import type { ViewerIdentity } from './api.js';

/**
 * The viewer under `serve --http`: the same bearer tokens and the same owner rule as /mcp (a
 * service token may name an owner in X-Chat-History-Owner), refusals as `{ error }`.
 */
export function viewerTokenAuth(tokens: TokenStore, logger: Logger): RequestHandler {
  const check = bearerAuth(tokens, logger, (res, status, message) => {
    res.status(status).json({ error: message });
  });
  return (req, res, next) =>
    check(req, res, () => {
      const auth = requestAuth(res);
      res.locals.viewer = { owner: auth.actingOwner, kind: actingKind(auth) } satisfies ViewerIdentity;
      next();
    });
}
