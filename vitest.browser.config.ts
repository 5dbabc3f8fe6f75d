import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the web viewer (`serve --http` at /, `chat-history-mcp view`) in a
 * real Chromium driven by playwright-core, against the built CLI on a temporary SQLite file.
 * Needs a Chromium at /usr/bin/chromium (Debian's `chromium` package; .ci/run installs it) or
 * at CHAT_HISTORY_TEST_CHROMIUM. One file at a time, generous timeouts, no timing assertions:
 * a browser and a server on a 2-core machine are slow, never wrong. Screenshots go to
 * test-output/viewer/ (git-ignored).
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    env: { CHAT_HISTORY_TEST_BACKEND: 'sqlite' },
  },
});
