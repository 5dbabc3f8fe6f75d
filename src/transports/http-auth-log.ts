import type { Request } from 'express';
import type { Logger } from '../logger.js';

/** Why a request got 401: the three ways to fail bearer authentication. */
export type RefusalReason = 'no_authorization_header' | 'malformed_authorization_header' | 'unknown_or_revoked_token';

/** What a log reader should do about each reason (the client's settings, never the secret). */
const FIX: Record<RefusalReason, string> = {
  no_authorization_header:
    'configure the client to send the header "Authorization: Bearer <token>"; create a token with `chat-history-mcp token create --owner NAME`',
  malformed_authorization_header:
    'the header must read "Authorization: Bearer <token>" (the word Bearer, a space, the token)',
  unknown_or_revoked_token:
    'the client sends a token this database does not hold or that was revoked: compare with `chat-history-mcp token list` (same --db / DATABASE_URL) or create one with `chat-history-mcp token create --owner NAME`',
};

const MESSAGE: Record<RefusalReason, string> = {
  no_authorization_header: 'http request refused: no Authorization header',
  malformed_authorization_header: 'http request refused: malformed Authorization header',
  unknown_or_revoked_token: 'http request refused: unknown or revoked token',
};

/** Longest client-supplied value (user agent, forwarded-for) copied into a log line. */
const MAX_FIELD = 200;

/**
 * One warn line on stderr per refused request, so an operator whose client only says "Failed
 * to connect" sees why, from where, and what to set. A misconfigured client retries in a loop,
 * so at most one line per reason per `windowMs` is written; the next line written for that
 * reason carries `suppressed`, the number of refusals left out since the previous one.
 * Three reasons, so the state is three entries whatever the clients do.
 *
 * Never logged: the Authorization header or any part of it. Client-supplied fields are cut to
 * 200 characters and anything shaped like one of our tokens (`chm_…`) in them is redacted.
 */
export class RefusalLog {
  private readonly last = new Map<RefusalReason, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  refused(req: Request, reason: RefusalReason, detail?: string): void {
    if (!this.logger.isLevelEnabled('warn')) return;
    const at = this.now();
    const seen = this.last.get(reason);
    if (seen !== undefined && at - seen.at < this.windowMs) {
      seen.suppressed++;
      return;
    }
    this.last.set(reason, { at, suppressed: 0 });
    const forwardedFor = clientField(req.headers['x-forwarded-for']);
    this.logger.warn(
      {
        reason,
        ...(detail !== undefined && { detail }),
        remoteAddress: req.socket.remoteAddress,
        ...(forwardedFor !== undefined && { forwardedFor }),
        userAgent: clientField(req.headers['user-agent']) ?? null,
        fix: FIX[reason],
        ...(seen !== undefined && seen.suppressed > 0 && { suppressed: seen.suppressed }),
      },
      MESSAGE[reason],
    );
  }
}

function clientField(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text.slice(0, MAX_FIELD).replace(/chm_[A-Za-z0-9_-]*/g, 'chm_[redacted]');
}
