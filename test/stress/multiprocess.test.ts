import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { inspectDatabase, range, readAll, warnings } from '../support/inspect.js';
import { type Running, startServer } from '../support/spawn.js';

/**
 * Several server processes on one SQLite file, as Claude Desktop runs them (one per window).
 * Each process has its own SDK client over stdio; they race on get-or-create and on appends
 * to ONE conversation. Nothing may be lost, duplicated or reordered, and no agent may see an
 * error ("database is locked" / busy included).
 */
const PROCESSES = 4;
const tmp = tempDir('chat-history-multiprocess-');
afterAll(() => tmp.cleanup());

async function startAll(dbPath: string): Promise<Running[]> {
  // Started together on a file that does not exist yet: the migrations race too.
  return Promise.all(range(1, PROCESSES).map(() => startServer(dbPath, [])));
}

async function stopAll(servers: Running[]): Promise<void> {
  await Promise.all(servers.map((s) => s.close()));
  const exits = await Promise.all(servers.map((s) => s.exited));
  expect(exits).toEqual(servers.map(() => ({ code: 0, signal: null })));
  for (const s of servers) {
    expect(s.errors.map(String), 'no transport errors').toEqual([]);
    expect(warnings(s.stderr()), 'no warnings or errors in the server log').toEqual([]);
  }
}

/** Every process calls get-or-create with the same key at the same moment. */
async function getOrCreateTogether(servers: Running[], key: string): Promise<string> {
  const results = await Promise.all(servers.map((s) => s.callRaw('create_conversation', { key })));
  expect(results.filter((r) => r.isError)).toEqual([]);
  const structured = results.map((r) => r.structuredContent as { created: boolean; conversation: { id: string } });
  expect(new Set(structured.map((r) => r.conversation.id)).size, 'one conversation').toBe(1);
  expect(
    structured.filter((r) => r.created),
    'exactly one created:true',
  ).toHaveLength(1);
  return structured[0]!.conversation.id;
}

describe(`${PROCESSES} server processes on one SQLite file`, () => {
  it('race get-or-create to one conversation, then 4 × 250 sequential appends: stored once each, seq 1..1000, per-process order kept', async () => {
    const dbPath = join(tmp.dir, 'sequential.db');
    const servers = await startAll(dbPath);
    const failures: string[] = [];
    let id = '';
    try {
      id = await getOrCreateTogether(servers, 'shared-thread');
      const acked = new Map<string, number>(); // content -> seq the server acknowledged
      await Promise.all(
        servers.map(async (s, p) => {
          for (let i = 0; i < 250; i++) {
            const content = `p${p}-m${i}`;
            const r = await s.callRaw('append_messages', {
              conversation_id: id,
              messages: [{ role: 'user', content }],
            });
            if (r.isError) failures.push(`${content}: ${JSON.stringify(r.content)}`);
            else acked.set(content, (r.structuredContent as any).messages[0].seq);
          }
        }),
      );
      expect(failures, 'no append returned isError').toEqual([]);

      const stored = await readAll(servers[0]!, id);
      expect(stored.map((m) => m.seq)).toEqual(range(1, 1000));
      expect(new Set(stored.map((m) => m.id)).size).toBe(1000);
      const contents = stored.map((m) => m.content as string);
      expect(new Set(contents).size, 'each message stored exactly once').toBe(1000);
      expect(new Set(contents)).toEqual(new Set(acked.keys()));
      for (const m of stored) expect(acked.get(m.content), `acknowledged seq of ${m.content}`).toBe(m.seq);
      for (let p = 0; p < PROCESSES; p++) {
        const mine = contents.filter((c) => c.startsWith(`p${p}-`)).map((c) => Number(c.split('-m')[1]));
        expect(mine, `process ${p}'s messages keep the order it sent them in`).toEqual(range(0, 249));
      }
      // Every process sees the same count.
      const counts = await Promise.all(servers.map((s) => s.call('get_conversation', { conversation_id: id })));
      expect(counts.map((c) => c.message_count)).toEqual(servers.map(() => 1000));
    } finally {
      await stopAll(servers);
    }
    const onDisk = inspectDatabase(dbPath);
    expect(onDisk.integrity).toEqual(['ok']);
    expect(onDisk.conversations).toEqual([{ id, key: 'shared-thread', messageCount: 1000 }]);
    expect(onDisk.messages.get(id)!.map((m) => m.seq)).toEqual(range(1, 1000));
  });

  it('overlapping requests inside each process (8 in flight, batches of 3): every batch stored once and contiguous', async () => {
    const dbPath = join(tmp.dir, 'overlapping.db');
    const servers = await startAll(dbPath);
    const failures: string[] = [];
    try {
      const id = await getOrCreateTogether(servers, 'overlap');
      const batches = 60; // per process
      await Promise.all(
        servers.map(async (s, p) => {
          let next = 0;
          const worker = async () => {
            for (let b = next++; b < batches; b = next++) {
              const messages = range(0, 2).map((j) => ({
                role: j === 1 ? 'assistant' : 'user',
                content: `p${p}-b${b}-${j}`,
              }));
              const r = await s.callRaw('append_messages', { conversation_id: id, messages });
              if (r.isError) failures.push(`p${p}-b${b}: ${JSON.stringify(r.content)}`);
            }
          };
          await Promise.all(range(1, 8).map(worker));
        }),
      );
      expect(failures).toEqual([]);
      const stored = await readAll(servers[1]!, id);
      const total = PROCESSES * batches * 3;
      expect(stored.map((m) => m.seq)).toEqual(range(1, total));
      expect(new Set(stored.map((m) => m.content)).size).toBe(total);
      for (let i = 0; i < total; i += 3) {
        const prefix = (stored[i].content as string).replace(/-0$/, '');
        expect(
          stored.slice(i, i + 3).map((m) => m.content),
          'a batch is contiguous',
        ).toEqual([0, 1, 2].map((j) => `${prefix}-${j}`));
      }
    } finally {
      await stopAll(servers);
    }
    expect(inspectDatabase(dbPath).integrity).toEqual(['ok']);
  });
});
