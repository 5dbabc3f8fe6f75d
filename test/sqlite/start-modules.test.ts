import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { startServer } from '../support/spawn.js';

/**
 * What a stdio session on SQLite loads before it answers tools/list: not the PostgreSQL side,
 * not the HTTP stack, not the tokenizer, not the export/import command code. Each of those
 * costs start-up time and idle memory in every server an MCP client starts (Claude Desktop
 * starts one per window, often through npx), and a static import anywhere on the start path
 * brings one back without any other test noticing.
 *
 * The built CLI runs under a module loader hook (node --import, set through NODE_OPTIONS)
 * that writes every module URL the ES module loader loads to a file; that includes each
 * CommonJS package's entry when it is imported from an ES module (pg, express).
 */
const tmp = tempDir('chat-history-start-modules-');
afterAll(() => tmp.cleanup());

function loaderHook(): { register: string; log: string } {
  const log = join(tmp.dir, 'loaded.txt');
  const hooks = join(tmp.dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  const result = await next(url, context);
  appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return result;
}
`,
  );
  const register = join(tmp.dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(log, '');
  return { register, log };
}

/** Modules that must not be loaded at start, each with why it is not needed. */
const NOT_AT_START: [RegExp, string][] = [
  [/\/node_modules\/pg\//, 'the PostgreSQL driver (this is SQLite)'],
  [/\/node_modules\/@prisma\/adapter-pg\//, 'the PostgreSQL adapter (this is SQLite)'],
  [/\/dist\/generated\/postgresql\//, 'the PostgreSQL Prisma client (this is SQLite)'],
  [/\/dist\/db\/postgresql\//, 'the PostgreSQL backend (this is SQLite)'],
  [/\/node_modules\/express\//, 'express (this is stdio)'],
  [/\/dist\/transports\/http/, 'the HTTP transport (this is stdio)'],
  [/\/dist\/auth\/tokens\.js/, 'bearer tokens (HTTP only)'],
  [/\/node_modules\/gpt-tokenizer\//, 'the tokenizer (loaded by the first get_context)'],
  [/\/dist\/commands\/(export-writer|atomic-file)\.js/, 'the export command'],
];

describe('a stdio start on SQLite', () => {
  it('loads neither PostgreSQL, nor the HTTP stack, nor the tokenizer, nor the export code', async () => {
    const { register, log } = loaderHook();
    const server = await startServer(join(tmp.dir, 'start.db'), ['--log-level', 'warn'], {
      shellPrefix: `export NODE_OPTIONS="--import=${register}"`,
    });
    try {
      const { tools } = await server.client.listTools();
      expect(tools.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
    const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    // The hook saw the start: the SDK and the SQLite backend are there.
    expect(loaded.some((u) => u.includes('/node_modules/@modelcontextprotocol/sdk/'))).toBe(true);
    expect(loaded.some((u) => u.endsWith('/dist/db/sqlite/open.js'))).toBe(true);
    const unexpected = NOT_AT_START.flatMap(([pattern, what]) =>
      loaded.filter((u) => pattern.test(u)).map((u) => `${what}: ${u}`),
    );
    expect(unexpected).toEqual([]);
  });
});
