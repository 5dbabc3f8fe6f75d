/**
 * Where start-up time and idle memory go: a fresh node process loads the built server's parts
 * one by one (as dist/cli.js does, minus the stdio transport) and reports the time since
 * process start and the RSS after each step. Also loads the tokenizer, which the server only
 * loads on the first get_context call (so it shows in the end-of-run RSS, not the idle RSS).
 * Everything is loaded from SERVER_ROOT (the build under test, with its own node_modules).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_ROOT } from './dist.js';

export interface StartupStep {
  step: string;
  at_ms: number;
  rss_mb: number;
}

const url = (rel: string) => JSON.stringify(pathToFileURL(join(SERVER_ROOT, rel)).href);

function script(dbPath: string): string {
  const tokens = existsSync(join(SERVER_ROOT, 'dist', 'history', 'tokens.js'));
  return `
const steps = [];
const mark = (step) => steps.push({ step, at_ms: Math.round(performance.now() * 10) / 10, rss_mb: Math.round(process.memoryUsage().rss / 104857.6) / 10 });
mark('node started');
const { McpServer } = await import(${url('node_modules/@modelcontextprotocol/sdk/dist/esm/server/mcp.js')});
const { Client } = await import(${url('node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js')});
const { InMemoryTransport } = await import(${url('node_modules/@modelcontextprotocol/sdk/dist/esm/inMemory.js')});
mark('MCP SDK loaded');
const { openDatabase } = await import(${url('dist/db/index.js')});
const { createLogger } = await import(${url('dist/logger.js')});
mark('Prisma client + adapter modules loaded');
const logger = createLogger('silent');
const database = await openDatabase({ target: { provider: 'sqlite', path: ${JSON.stringify(dbPath)} }, busyTimeoutMs: 10000, logger });
mark('openDatabase (migrations checked, first Prisma query: query compiler wasm instantiated)');
const { HistoryStore } = await import(${url('dist/history/store.js')});
const { DEFAULT_LIMITS } = await import(${url('dist/history/core/limits.js')});
const { createServer } = await import(${url('dist/mcp/server.js')});
mark('history + tool modules loaded');
const history = new HistoryStore(database, DEFAULT_LIMITS, 10000).forOwner('local');
const { server } = createServer({ history, logger, version: 'probe' });
const [a, b] = InMemoryTransport.createLinkedPair();
await server.connect(b);
const client = new Client({ name: 'probe', version: '1' });
await client.connect(a);
await client.listTools();
mark('initialize + tools/list answered (in-process)');
await history.listConversations({ limit: 20 });
mark('first list_conversations');
${tokens ? `const { loadTokenCounter } = await import(${url('dist/history/context/tokens.js')}); await loadTokenCounter(); mark('tokenizer loaded (first get_context)');` : ''}
globalThis.gc?.();
mark('after gc');
process.stdout.write(JSON.stringify(steps));
await database.close();
process.exit(0);
`;
}

export function startupProbe(dbPath: string, nodeArgs: readonly string[]): StartupStep[] {
  const out = execFileSync(
    process.execPath,
    [...nodeArgs, '--expose-gc', '--input-type=module', '-e', script(dbPath)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out) as StartupStep[];
}
