import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { type PooledServer, ServerPool } from '../../src/transports/server-pool.js';

/** Stand-ins for built servers: the pool only hands them out, keeps them, and closes them. */
function fakes() {
  const built: Array<PooledServer & { owner: string; closed: boolean }> = [];
  const build = (owner: string) => {
    const entry = {
      owner,
      closed: false,
      server: {} as McpServer,
      close: async () => {
        entry.closed = true;
      },
    };
    built.push(entry);
    return entry;
  };
  return { built, build };
}

describe('ServerPool', () => {
  it("reuses an idle server of the same owner, never another owner's", () => {
    const { built, build } = fakes();
    const pool = new ServerPool({ build });
    const a = pool.acquire('alice');
    pool.release('alice', a);
    expect(pool.acquire('alice')).toBe(a);
    const b = pool.acquire('bob');
    expect(b).not.toBe(a);
    expect(built.map((e) => e.owner)).toEqual(['alice', 'bob']);
  });

  it('builds one server per concurrent request and keeps at most idlePerOwner of them', () => {
    const { built, build } = fakes();
    const pool = new ServerPool({ build, idlePerOwner: 2 });
    const held = [pool.acquire('alice'), pool.acquire('alice'), pool.acquire('alice')];
    expect(new Set(held).size).toBe(3);
    for (const s of held) pool.release('alice', s);
    expect(pool.size).toBe(2);
    expect(built.filter((e) => e.closed)).toHaveLength(1);
  });

  it('forgets (and closes) the least recently served owner beyond maxOwners', async () => {
    const { built, build } = fakes();
    const pool = new ServerPool({ build, maxOwners: 2 });
    for (const owner of ['a', 'b']) pool.release(owner, pool.acquire(owner));
    pool.release('a', pool.acquire('a')); // a is now more recent than b
    pool.release('c', pool.acquire('c'));
    expect(built.find((e) => e.owner === 'b')!.closed).toBe(true);
    expect(built.find((e) => e.owner === 'a')!.closed).toBe(false);
    expect(pool.size).toBe(2);
    await pool.close();
    expect(built.every((e) => e.closed)).toBe(true);
    expect(pool.size).toBe(0);
  });
});
