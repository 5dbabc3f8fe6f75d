import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import type { ViewerIdentity } from './api.js';

/**
 * Sign-in for `chat-history-mcp view`, as Jupyter does it: the printed URL carries a one-time
 * secret in its fragment (`#secret=…`, never sent in a request line, so never in a log). The
 * page trades it once at POST /api/session for a session token it keeps in sessionStorage and
 * sends as a bearer token; the secret is then spent, so a copied URL opens nothing. Sessions
 * live as long as this process. Everyone signed in reads the one configured owner.
 */
export class LocalSessions {
  /** The secret for the URL: shown once. */
  readonly secret = randomBytes(24).toString('base64url');
  private spent = false;
  private readonly sessions = new Set<string>();

  constructor(private readonly owner: string) {}

  /** POST /api/session { secret } → { token }. */
  signIn(): Router {
    const router = express.Router();
    router.post('/api/session', express.json({ limit: '1kb' }), (req, res) => {
      const offered = (req.body as { secret?: unknown } | undefined)?.secret;
      if (this.spent || typeof offered !== 'string' || !sameSecret(offered, this.secret)) {
        res.status(401).json({
          error: 'this link was already used or is not valid: run `chat-history-mcp view` again for a new one',
        });
        return;
      }
      this.spent = true;
      const token = randomBytes(32).toString('base64url');
      this.sessions.add(token);
      res.set('Cache-Control', 'no-store').json({ token });
    });
    return router;
  }

  /** The viewer API's authentication: a session token from signIn. */
  authenticate(): RequestHandler {
    return (req, res, next) => {
      const token = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
      if (token === undefined || !this.sessions.has(token)) {
        res.status(401).json({ error: 'not signed in: open the URL `chat-history-mcp view` printed' });
        return;
      }
      res.locals.viewer = { owner: this.owner, kind: 'local' } satisfies ViewerIdentity;
      next();
    };
  }
}

/** Compared by their hashes, in constant time: nothing leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
