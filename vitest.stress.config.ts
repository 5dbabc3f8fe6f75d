import { defineConfig } from 'vitest/config';

// `npm run test:stress`: multi-process, crash and disk-failure runs against the built CLI.
// One file at a time: each already runs several server processes on a 2-core machine.
export default defineConfig({
  test: { include: ['test/stress/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 60_000 },
});
