import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * `npm test`: every test file on SQLite, and the backend-neutral ones again on PostgreSQL.
 * The slow reliability runs belong to `npm run test:stress` (vitest.stress.config.ts).
 *
 * The PostgreSQL project needs a server: CHAT_HISTORY_TEST_POSTGRES_URL (scripts/
 * test-postgres.sh starts a throwaway one and prints it; .ci/run does that). Without it the
 * project is left out with a visible notice, unless CHAT_HISTORY_TEST_REQUIRE_POSTGRES=1
 * (set by CI), which turns the omission into a failure: CI never skips it.
 */

/** Files whose tests go through freshDatabase()/setup(), so they run on either backend. */
const BACKEND_NEUTRAL = [
  'acceptance',
  'append',
  'branching',
  'concurrency',
  'context',
  'conversations',
  'deep-arguments',
  'drift',
  'export-import',
  'history',
  'hostile-input',
  'http',
  'http-cli',
  'http-owner',
  'idempotent-retry',
  'isolation',
  'postgres-concurrency',
  'postgres-outage',
  'resources-prompts',
  'response-budget',
  'search',
  'search-bounds',
  'timestamps',
  'tokens',
  'tools',
  'transaction-isolation',
].map((name) => `test/${name}.test.ts`);

const postgresUrl = process.env.CHAT_HISTORY_TEST_POSTGRES_URL?.trim();
const requirePostgres = ['1', 'true', 'yes'].includes((process.env.CHAT_HISTORY_TEST_REQUIRE_POSTGRES ?? '').toLowerCase());

const projects: TestProjectInlineConfiguration[] = [
  {
    extends: true,
    test: {
      name: 'sqlite',
      exclude: [...configDefaults.exclude, 'test/stress/**', 'test/hostile/**'],
      env: { CHAT_HISTORY_TEST_BACKEND: 'sqlite' },
    },
  },
];

if (postgresUrl) {
  projects.push({
    extends: true,
    test: { name: 'postgresql', include: BACKEND_NEUTRAL, env: { CHAT_HISTORY_TEST_BACKEND: 'postgresql' } },
  });
} else if (requirePostgres) {
  throw new Error('CHAT_HISTORY_TEST_REQUIRE_POSTGRES is set but CHAT_HISTORY_TEST_POSTGRES_URL is not: start scripts/test-postgres.sh');
} else if (process.env.CHAT_HISTORY_TEST_SKIP_NOTICE_SHOWN === undefined) {
  // vitest evaluates this file more than once per run: say it once.
  process.env.CHAT_HISTORY_TEST_SKIP_NOTICE_SHOWN = '1';
  process.stderr.write(
    '\n*** PostgreSQL tests SKIPPED: CHAT_HISTORY_TEST_POSTGRES_URL is not set. ' +
      'Run `eval "$(scripts/test-postgres.sh start)"` first to include them. ***\n\n',
  );
}

export default defineConfig({ test: { projects } });
