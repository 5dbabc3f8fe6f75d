/**
 * Where the time of one tool call goes, measured in this process on a copy of the seeded file:
 *
 *   sqlite  time inside better-sqlite3 (compiling statements + running them), and how many
 *           statements one call runs (the adapter alone compiles each anew; the server's
 *           connection keeps them, src/db/sqlite/statement-cache.ts)
 *   domain  the history operation called directly (validation + Prisma + sqlite)
 *   mcp     the same call through the SDK over an in-memory transport (adds the MCP layer:
 *           input schema, output schema validation, JSON of the result)
 *
 * and, with the stdio p50 measured against the spawned server, stdio − mcp = the pipe, JSON
 * framing and the process boundary. Statements are counted by wrapping better-sqlite3's
 * prepare/exec/run/get/all, the driver underneath Prisma's adapter (same module instance).
 */

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type BetterSqlite3 from 'better-sqlite3';
import { type DistModules, SERVER_ROOT } from './dist.js';
import { median, round1 } from './stats.js';

export interface OpCall {
  tool: string;
  args: (i: number) => Record<string, unknown>;
  /** Profiled calls (fewer for heavy operations). */
  iterations: number;
}

export interface Breakdown {
  statements_per_call: number;
  statements: string[];
  prepare_us: number;
  sqlite_us: number;
  domain_us: number | null;
  mcp_inmemory_us: number;
}

interface Counter {
  on: boolean;
  sql: string[];
  prepareMs: number;
  execMs: number;
}

const PROFILE_BUDGET_MS = 4000;
const counter: Counter = { on: false, sql: [], prepareMs: 0, execMs: 0 };
let patched = false;

/** Wrap the driver once; counting is switched on only around the calls being profiled. */
function patchDriver(): void {
  if (patched) return;
  patched = true;
  // The driver the measured build loads (its own node_modules under BENCH_SERVER_ROOT), not this one.
  const Database = createRequire(join(SERVER_ROOT, 'package.json'))('better-sqlite3') as typeof BetterSqlite3;
  const dbProto = Database.prototype as any;
  const stmtProto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1'));
  const prepare = dbProto.prepare;
  dbProto.prepare = function (this: unknown, sql: string) {
    if (!counter.on) return prepare.call(this, sql);
    const t0 = performance.now();
    try {
      return prepare.call(this, sql);
    } finally {
      // Counted when run (below), not when compiled: a connection that keeps its prepared
      // statements (src/db/sqlite/statement-cache.ts) compiles each one once.
      counter.prepareMs += performance.now() - t0;
    }
  };
  const exec = dbProto.exec;
  dbProto.exec = function (this: unknown, sql: string) {
    if (!counter.on) return exec.call(this, sql);
    const t0 = performance.now();
    try {
      return exec.call(this, sql);
    } finally {
      counter.execMs += performance.now() - t0;
      counter.sql.push(sql);
    }
  };
  for (const name of ['run', 'get', 'all'] as const) {
    const original = stmtProto[name];
    stmtProto[name] = function (this: { source: string }, ...args: unknown[]) {
      if (!counter.on) return original.apply(this, args);
      counter.sql.push(this.source);
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        counter.execMs += performance.now() - t0;
      }
    };
  }
}

/** "UPDATE `main`.`conversations` SET …" -> "UPDATE conversations" */
function shortSql(sql: string): string {
  const s = sql
    .replace(/[`"]/g, '')
    .replace(/main\./g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const m =
    /^(SELECT|INSERT INTO|UPDATE|DELETE FROM|BEGIN|COMMIT|ROLLBACK|PRAGMA|WITH)\b(?:.*?\bFROM\s+(\w+)|\s+(\w+))?/i.exec(
      s,
    );
  if (!m) return s.slice(0, 40);
  return [m[1]!.toUpperCase(), m[2] ?? m[3] ?? ''].join(' ').trim();
}

const camel = (tool: string) => tool.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

export async function profile(
  dist: DistModules,
  dbPath: string,
  ops: Record<string, OpCall>,
): Promise<Record<string, Breakdown>> {
  patchDriver();
  const logger = dist.createLogger('silent');
  const database = await dist.openDatabase({
    target: { provider: 'sqlite', path: dbPath },
    busyTimeoutMs: 10_000,
    logger,
  });
  const history = new dist.HistoryStore(database, dist.DEFAULT_LIMITS, 10_000).forOwner('local');
  const { server, close } = dist.createServer({ history, logger, version: 'bench' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bench-profile', version: '1.0.0' });
  await client.connect(clientSide);

  const out: Record<string, Breakdown> = {};
  try {
    let i = 0;
    for (const [label, op] of Object.entries(ops)) {
      const domainFn = history[camel(op.tool)];
      const warm = Math.max(5, Math.floor(op.iterations / 10));
      for (let w = 0; w < warm; w++) await callTool(client, op.tool, op.args(i++));
      const sql: string[][] = [];
      const prep: number[] = [];
      const lite: number[] = [];
      const dom: number[] = [];
      const mcp: number[] = [];
      const until = performance.now() + PROFILE_BUDGET_MS;
      for (let k = 0; k < op.iterations && (k < 10 || performance.now() < until); k++) {
        if (domainFn) {
          Object.assign(counter, { on: true, sql: [], prepareMs: 0, execMs: 0 });
          const t0 = performance.now();
          await domainFn(op.args(i++));
          dom.push(performance.now() - t0);
          counter.on = false;
          sql.push(counter.sql);
          prep.push(counter.prepareMs);
          lite.push(counter.prepareMs + counter.execMs);
        }
        const t1 = performance.now();
        await callTool(client, op.tool, op.args(i++));
        mcp.push(performance.now() - t1);
      }
      const us = (ms: number[]) => round1(median(ms) * 1000);
      out[label] = {
        statements_per_call: sql.length ? round1(sql.reduce((a, s) => a + s.length, 0) / sql.length) : 0,
        statements: (sql[0] ?? []).map(shortSql),
        prepare_us: prep.length ? us(prep) : 0,
        sqlite_us: lite.length ? us(lite) : 0,
        domain_us: dom.length ? us(dom) : null,
        mcp_inmemory_us: us(mcp),
      };
    }
  } finally {
    counter.on = false;
    await client.close();
    await close();
    await database.close();
  }
  return out;
}

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<void> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed in profile: ${JSON.stringify(result.content).slice(0, 300)}`);
}
