import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORST_CASES } from '../../bench/worst/cases.js';
import { type CaseResult, runWorstCases } from '../../bench/worst/harness.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { freshTarget, postgresAdminUrl } from '../support/backend.js';
import { CLI, requireBuiltCli } from '../support/spawn.js';

/**
 * `npm run test:hostile`: the worst legal request of every tool, resource and prompt
 * (bench/worst/cases.ts), against the built server.
 *
 * Over HTTP, one owner sends each request while another owner pings without pause: the
 * bystander must be answered promptly (the bound is generous: before this suite existed
 * single requests froze every owner for 16–90 s), and the request itself must finish within
 * a few seconds, with a response within the response budget. Over stdio, every response
 * stays within the budget and the session survives it. These are the only timing bounds in
 * the test suites, and they are why this suite is not part of `npm test`.
 */
const BYSTANDER_MAX_MS = 2_000;
const REQUEST_MAX_MS = 10_000;
const BUDGET = DEFAULT_LIMITS.maxResponseBytes;

function checkCase(results: () => CaseResult[], transport: 'http' | 'stdio') {
  const cases = WORST_CASES.filter((c) => transport === 'http' || c.httpOnly !== true);
  it.each(cases.map((c) => [c.id, c] as const))('%s', (id, c) => {
    const r = results().find((x) => x.id === id);
    expect(r, `${id} did not run`).toBeDefined();
    expect(r!.sessionAlive, `${id}: the session did not survive`).toBe(true);
    for (const o of r!.outcomes) {
      if (c.refused !== undefined) {
        expect(o.error ?? 'no refusal', id).toMatch(c.refused);
      } else {
        expect(o.error, `${id}: ${o.error}`).toBeNull();
      }
      expect(o.bytes, `${id}: response of ${o.bytes} bytes`).toBeLessThanOrEqual(BUDGET);
      expect(o.ms, `${id}: took ${Math.round(o.ms)} ms`).toBeLessThan(REQUEST_MAX_MS);
    }
    if (transport === 'http') {
      expect(
        r!.bystanderMaxMs,
        `${id}: another owner's ping waited ${Math.round(r!.bystanderMaxMs ?? 0)} ms`,
      ).toBeLessThan(BYSTANDER_MAX_MS);
      expect(r!.healthMaxMs, `${id}: /healthz waited ${Math.round(r!.healthMaxMs ?? 0)} ms`).toBeLessThan(
        BYSTANDER_MAX_MS,
      );
    }
  });
}

function suite(backend: 'sqlite' | 'postgresql', transport: 'http' | 'stdio') {
  describe(`${transport}, ${backend}`, () => {
    let results: CaseResult[] = [];
    let drop: () => Promise<void> = async () => {};
    beforeAll(async () => {
      requireBuiltCli();
      const fresh = await freshTarget(backend);
      drop = fresh.drop;
      results = await runWorstCases({
        cli: CLI,
        target: fresh.target,
        transport,
        runs: 1,
        cases: WORST_CASES,
        requestTimeoutMs: 60_000,
        log: (line) => process.stderr.write(`[hostile ${transport} ${backend}] ${line}\n`),
      });
    }, 1_200_000);
    afterAll(() => drop());
    checkCase(() => results, transport);
  });
}

// biome-ignore lint/suspicious/noIdenticalTestTitle: each suite's title names its transport and backend
suite('sqlite', 'http');
suite('sqlite', 'stdio');
if (postgresAdminUrl() !== undefined) suite('postgresql', 'http');
