/** Spawning MCP servers over stdio with the SDK client, and what the bench reads from them. */
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type CallToolResult, ListToolsResultSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { SERVER_CLI } from './dist.js';

export interface Session {
  client: Client;
  pid: number;
  tools: Tool[];
  /** Milliseconds from spawn to the tools/list answer. */
  startMs: number;
  call(name: string, args: Record<string, unknown>): Promise<any>;
  rssMb(): number;
  /** CPU time (user + system) the server process has used so far, in ms (10 ms resolution). */
  cpuMs(): number;
  stderrTail(): string;
  close(): Promise<void>;
}

/** Extra node/V8 flags for our server (BENCH_SERVER_NODE_ARGS, e.g. "--liftoff-only"), to try start-up tuning. */
export const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

export interface ServerSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Working directory of the server process (a peer that keeps its data in its cwd). */
  cwd?: string;
}

export function ourServer(dbPath: string): ServerSpec {
  return { command: process.execPath, args: [...SERVER_NODE_ARGS, SERVER_CLI, '--db', dbPath, '--log-level', 'warn'] };
}

/** Spawn and initialize only: no tools/list yet (see listtools.ts for why that matters). */
export async function connect(
  spec: ServerSpec,
): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: spec.command,
    args: spec.args,
    env: { ...(process.env as Record<string, string>), ...spec.env },
    cwd: spec.cwd,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-20_000); // the tail, for error reports
  });
  const client = new Client({ name: 'chat-history-bench', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

/**
 * Spawn, connect, list tools. tools/list goes through client.request() rather than
 * client.listTools(): the latter makes the client compile and run the output-schema
 * validators on every later call, which would add client-side work to the server's figures.
 */
export async function open(spec: ServerSpec): Promise<Session> {
  const t0 = performance.now();
  const { client, transport, stderr } = await connect(spec);
  const { tools } = await client.request({ method: 'tools/list' }, ListToolsResultSchema);
  const startMs = performance.now() - t0;
  const pid = transport.pid;
  if (pid === null) throw new Error('server process has no pid');
  return {
    client,
    pid,
    tools,
    startMs,
    async call(name, args) {
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content).slice(0, 500)}`);
      return result.structuredContent;
    },
    rssMb: () => rssMb(pid),
    cpuMs: () => cpuMs(pid),
    stderrTail: stderr,
    close: () => client.close(),
  };
}

/** Resident set size of a process, from /proc (Linux). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms on Linux). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
