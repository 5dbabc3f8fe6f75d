import { defineConfig } from 'vitest/config';

/**
 * `npm run test:hostile`: the worst legal request of every tool, resource and prompt, against
 * the built server over HTTP (with a second owner pinging) and stdio. Slow (it stores tens of
 * megabytes first) and the only suite with timing bounds, so it is apart from `npm test`.
 * The PostgreSQL half runs when CHAT_HISTORY_TEST_POSTGRES_URL is set (CI sets it); with
 * CHAT_HISTORY_TEST_REQUIRE_POSTGRES=1 a missing server is a failure, as in `npm test`.
 */
if (
  ['1', 'true', 'yes'].includes((process.env.CHAT_HISTORY_TEST_REQUIRE_POSTGRES ?? '').toLowerCase()) &&
  !process.env.CHAT_HISTORY_TEST_POSTGRES_URL?.trim()
) {
  throw new Error(
    'CHAT_HISTORY_TEST_REQUIRE_POSTGRES is set but CHAT_HISTORY_TEST_POSTGRES_URL is not: start scripts/test-postgres.sh',
  );
}

export default defineConfig({
  test: { include: ['test/hostile/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 1_200_000 },
});
