import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/**
 * Idle MCP servers per owner, so that a stateless HTTP request need not build one.
 *
 * Why: createServer() registers every tool, resource and prompt with their zod schemas,
 * measured at ~1.7 ms per call (2 cores, Node 20): more than a tools/call itself takes
 * in memory (~0.6 ms for list_conversations). A server serves one transport at a time
 * (Protocol.connect refuses a second), and stateless mode wants a fresh transport per request,
 * so a request borrows an idle server of its owner, connects it to its own transport, and
 * gives it back once the transport is closed. Concurrent requests of one owner each get a
 * server (built when none is idle). At most `idlePerOwner` idle servers are kept per owner,
 * and only for the `maxOwners` most recently served owners: memory stays bounded however
 * many owners a deployment has. Reuse carries no state between requests that matters here:
 * our tools keep none in the server, and the history each server holds is its owner's.
 */
export interface PooledServer {
  server: McpServer;
  close: () => Promise<void>;
}

export interface ServerPoolOptions {
  build: (owner: string) => PooledServer;
  maxOwners?: number;
  idlePerOwner?: number;
}

export class ServerPool {
  /** Map order is recency: the first entry is the least recently served owner. */
  private readonly idle = new Map<string, PooledServer[]>();
  private readonly maxOwners: number;
  private readonly idlePerOwner: number;

  constructor(private readonly options: ServerPoolOptions) {
    this.maxOwners = options.maxOwners ?? 256;
    this.idlePerOwner = options.idlePerOwner ?? 4;
  }

  /** An idle server of this owner, or a new one. Give it back with release(). */
  acquire(owner: string): PooledServer {
    const servers = this.idle.get(owner);
    const reused = servers?.pop();
    return reused ?? this.options.build(owner);
  }

  /** Return a server whose transport has been closed. */
  release(owner: string, entry: PooledServer): void {
    const servers = this.idle.get(owner) ?? [];
    this.idle.delete(owner);
    this.idle.set(owner, servers);
    if (servers.length < this.idlePerOwner) servers.push(entry);
    else void entry.close();
    for (const [oldest, stale] of this.idle) {
      if (this.idle.size <= this.maxOwners) break;
      this.idle.delete(oldest);
      for (const s of stale) void s.close();
    }
  }

  /** Idle servers kept right now (for tests and debugging). */
  get size(): number {
    let n = 0;
    for (const servers of this.idle.values()) n += servers.length;
    return n;
  }

  async close(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.all(all.map((s) => s.close()));
  }
}
