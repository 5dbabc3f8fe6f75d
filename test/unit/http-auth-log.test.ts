import type { Request } from 'express';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RefusalLog } from '../../src/transports/http-auth-log.js';

/** The flood guard of the 401 log line, on a clock the test moves. */
function setup(windowMs = 60_000) {
  const lines: any[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  let now = 1_000_000;
  const log = new RefusalLog(logger, windowMs, () => now);
  const advance = (ms: number) => {
    now += ms;
  };
  return { lines, log, advance };
}

const req = (headers: Record<string, string> = {}) =>
  ({ headers, socket: { remoteAddress: '203.0.113.7' } }) as unknown as Request;

describe('RefusalLog', () => {
  it('writes one line per reason per window, then one carrying how many were left out', () => {
    const { lines, log, advance } = setup();
    for (let i = 0; i < 10; i++) log.refused(req(), 'no_authorization_header');
    log.refused(req(), 'unknown_or_revoked_token');
    expect(lines.map((l) => l.reason)).toEqual(['no_authorization_header', 'unknown_or_revoked_token']);
    advance(59_999);
    log.refused(req(), 'no_authorization_header');
    expect(lines).toHaveLength(2);
    advance(1);
    log.refused(req(), 'no_authorization_header');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ reason: 'no_authorization_header', suppressed: 10 });
    advance(60_000);
    log.refused(req(), 'no_authorization_header');
    expect(lines[3]).not.toHaveProperty('suppressed');
  });

  it('logs address, forwarded-for and user agent, cut to 200 characters, with token-shaped text redacted', () => {
    const { lines, log } = setup();
    const secret = `chm_${'A'.repeat(43)}`;
    log.refused(
      req({ 'user-agent': `bot/1 ${secret} ${'x'.repeat(300)}`, 'x-forwarded-for': '198.51.100.1' }),
      'no_authorization_header',
    );
    expect(lines[0]).toMatchObject({
      level: 40,
      remoteAddress: '203.0.113.7',
      forwardedFor: '198.51.100.1',
      userAgent: expect.stringMatching(/^bot\/1 chm_\[redacted\] x+$/),
    });
    expect(JSON.stringify(lines)).not.toContain('AAAAAAAA');
  });

  it('writes nothing below warn and keeps no state then', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    new RefusalLog(logger).refused(req(), 'malformed_authorization_header', 'not the Bearer scheme');
    expect(lines).toEqual([]);
  });
});
