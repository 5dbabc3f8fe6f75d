import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Database, type DatabaseTarget, openDatabase } from '../../src/db/index.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/history/core/limits.js';
import { DEFAULT_POLICY, type Policy } from '../../src/history/core/policy.js';
import { HistoryStore } from '../../src/history/store.js';
import { createLogger } from '../../src/logger.js';
import { createServer } from '../../src/mcp/server.js';
import type { ToolsetName } from '../../src/mcp/toolsets.js';
import { freshTarget } from './backend.js';

/** A temporary directory for one test file's databases, removed by `cleanup()`. */
export function tempDir(prefix = 'chat-history-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const silentLogger = createLogger('silent');

/** A fresh, migrated database of the run's backend (see backend.ts); close() also drops it. */
export async function freshDatabase(): Promise<Database & { target: DatabaseTarget }> {
  const fresh = await freshTarget();
  const database = await openDatabase({ target: fresh.target, busyTimeoutMs: 10_000, logger: silentLogger });
  return {
    ...database,
    target: fresh.target,
    async close() {
      await database.close();
      await fresh.drop();
    },
  };
}

/** Open (and migrate) a given database: to reopen one, as a restarted server would. */
export async function openTarget(target: DatabaseTarget): Promise<Database> {
  return openDatabase({ target, busyTimeoutMs: 10_000, logger: silentLogger });
}

/** A SQLite database at `path` (tests of SQLite-only behaviour). */
export async function openTestDatabase(path: string): Promise<Database> {
  return openDatabase({ target: { provider: 'sqlite', path }, busyTimeoutMs: 10_000, logger: silentLogger });
}

export interface Connected {
  client: Client;
  /** Call a tool; return its structuredContent, failing the test on an isError result. */
  call<T = any>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Call a tool expecting isError; return the error text. */
  callError(name: string, args?: Record<string, unknown>): Promise<string>;
  /** Call a tool and return the raw result. */
  callRaw(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** A real SDK Client connected over an in-memory pair to createServer() for `owner`. */
export async function connect(
  database: Database,
  options: {
    owner?: string;
    limits?: Partial<Limits>;
    policy?: Partial<Policy>;
    readOnly?: boolean;
    toolsets?: readonly ToolsetName[];
  } = {},
): Promise<Connected> {
  const store = new HistoryStore(database, { ...DEFAULT_LIMITS, ...options.limits }, 10_000, {
    ...DEFAULT_POLICY,
    ...options.policy,
  });
  const { server, close } = createServer({
    history: store.forOwner(options.owner ?? 'local'),
    logger: silentLogger,
    version: '0.0.0-test',
    readOnly: options.readOnly ?? false,
    ...(options.toolsets !== undefined && { toolsets: options.toolsets }),
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return clientApi(client, async () => {
    await client.close();
    await close();
  });
}

export function clientApi(client: Client, close: () => Promise<void>): Connected {
  const callRaw = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    client,
    callRaw,
    async call(name, args) {
      const result = await callRaw(name, args);
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      return result.structuredContent as any;
    },
    async callError(name, args) {
      const result = await callRaw(name, args);
      if (!result.isError)
        throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(result.structuredContent)}`);
      const first = result.content[0];
      return first?.type === 'text' ? first.text : JSON.stringify(result.content);
    },
    close,
  };
}

/** A fresh database of the run's backend plus a connected client: the common case. */
export async function setup(
  options: { owner?: string; limits?: Partial<Limits>; policy?: Partial<Policy>; readOnly?: boolean } = {},
) {
  const database = await freshDatabase();
  const api = await connect(database, options);
  return {
    ...api,
    database,
    async close() {
      await api.close();
      await database.close();
    },
  };
}
