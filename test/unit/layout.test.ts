import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The test tree is the test plan: vitest.config.ts picks test files by folder, so a file in
 * any other place is silently run by nothing. This fails instead, and says where it goes.
 */
const FOLDERS: Record<string, string> = {
  unit: 'no database at all (sqlite project)',
  tools: "a database of the run's backend via freshDatabase()/setup() (both projects)",
  sqlite: 'SQLite only: SQLite files, the CLI on a --db path, the sqlite3 tool (sqlite project)',
  postgresql: 'PostgreSQL only (postgresql project)',
  stress: 'npm run test:stress',
  hostile: 'npm run test:hostile',
  browser: 'npm run test:browser (the web viewer in Chromium)',
};

const testFiles = (readdirSync('test', { recursive: true, encoding: 'utf8' }) as string[])
  .map((f) => f.split('\\').join('/'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort();

describe('test tree', () => {
  it('every test file lives in a folder that a vitest config runs', () => {
    const where = Object.entries(FOLDERS)
      .map(([name, what]) => `test/${name}/: ${what}`)
      .join('\n');
    const stray = testFiles.filter((f) => !f.includes('/') || !Object.hasOwn(FOLDERS, f.split('/')[0]!));
    expect(
      stray.map((f) => `test/${f}`),
      `these test files are run by nothing; move each into one of\n${where}\n`,
    ).toEqual([]);
    expect(testFiles.length).toBeGreaterThan(0);
  });

  it('unit tests open no database', () => {
    // What opens one: the test database helpers, src/db/, the drivers.
    const opensDatabase = (spec: string) =>
      /^(\.\.\/support\/(harness|backend)\.js|\.\.\/\.\.\/src\/db\/.*|better-sqlite3|pg)$/.test(spec);
    const imports = (f: string) =>
      [...readFileSync(`test/${f}`, 'utf8').matchAll(/^import [^;]*?from '([^']+)'/gms)].map((m) => m[1]!);
    const offenders = testFiles
      .filter((f) => f.startsWith('unit/') && imports(f).some(opensDatabase))
      .map((f) => `test/${f}`);
    expect(
      offenders,
      'a test that needs a database belongs in test/tools/ (either backend), test/sqlite/ or test/postgresql/',
    ).toEqual([]);
  });
});
