import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * `npm test`: the test files select themselves by the folder they live in.
 *
 *   test/unit/        no database at all                                  -> sqlite project
 *   test/tools/       a database of the run's backend (freshDatabase(),
 *                     setup()): the same tests on either backend          -> both projects
 *   test/sqlite/      SQLite only: SQLite files, the CLI on a --db path,
 *                     the machine's sqlite3                               -> sqlite project
 *   test/postgresql/  PostgreSQL only: the test server                    -> postgresql project
 *   test/stress/, test/hostile/, test/browser/: runs with their own configs (`npm run test:stress`,
 *   `npm run test:hostile`, `npm run test:browser`: vitest.stress.config.ts,
 *   vitest.hostile.config.ts, vitest.browser.config.ts).
 *
 * A test file anywhere else is run by nothing: test/unit/layout.test.ts fails and names it.
 *
 * The PostgreSQL project needs a server: CHAT_HISTORY_TEST_POSTGRES_URL (scripts/
 * test-postgres.sh starts a throwaway one and prints it; .ci/run does that). Without it the
 * project is left out with a visible notice, unless CHAT_HISTORY_TEST_REQUIRE_POSTGRES=1
 * (set by CI), which turns the omission into a failure: CI never skips it.
 */
const folder = (name: 'unit' | 'tools' | 'sqlite' | 'postgresql') => `test/${name}/**/*.test.ts`;

const postgresUrl = process.env.CHAT_HISTORY_TEST_POSTGRES_URL?.trim();
const requirePostgres = ['1', 'true', 'yes'].includes(
  (process.env.CHAT_HISTORY_TEST_REQUIRE_POSTGRES ?? '').toLowerCase(),
);

const projects: TestProjectInlineConfiguration[] = [
  {
    extends: true,
    test: {
      name: 'sqlite',
      include: [folder('unit'), folder('tools'), folder('sqlite')],
      env: { CHAT_HISTORY_TEST_BACKEND: 'sqlite' },
    },
  },
];

if (postgresUrl) {
  projects.push({
    extends: true,
    test: {
      name: 'postgresql',
      include: [folder('tools'), folder('postgresql')],
      env: { CHAT_HISTORY_TEST_BACKEND: 'postgresql' },
    },
  });
} else if (requirePostgres) {
  throw new Error(
    'CHAT_HISTORY_TEST_REQUIRE_POSTGRES is set but CHAT_HISTORY_TEST_POSTGRES_URL is not: start scripts/test-postgres.sh',
  );
} else if (process.env.CHAT_HISTORY_TEST_SKIP_NOTICE_SHOWN === undefined) {
  // vitest evaluates this file more than once per run: say it once.
  process.env.CHAT_HISTORY_TEST_SKIP_NOTICE_SHOWN = '1';
  process.stderr.write(
    '\n*** PostgreSQL tests SKIPPED: CHAT_HISTORY_TEST_POSTGRES_URL is not set. ' +
      'Run `eval "$(scripts/test-postgres.sh start)"` first to include them. ***\n\n',
  );
}

export default defineConfig({ test: { projects } });
