import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { inspectDatabase, range, readAll, type StoredMessage } from '../support/inspect.js';
import { CLI, type Running, requireBuiltCli, startServer } from '../support/spawn.js';

/**
 * SIGKILL at a random moment while a client appends as fast as it can. What was
 * acknowledged must survive; a batch is stored whole or not at all; the file stays
 * consistent and the next start is normal.
 */
const ROUNDS = 10;
const APPENDERS = 2; // concurrent append loops per round, so kills land inside transactions often
const tmp = tempDir('chat-history-crash-');
afterAll(() => tmp.cleanup());

interface Acked {
  batch: string;
  ids: string[];
  seqs: number[];
  contents: string[];
}

const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** A batch of 1–5 messages, each carrying the batch marker, its size and its index. */
function makeBatch(batch: string) {
  const size = randomInt(1, 5);
  const withCall = size >= 2 && Math.random() < 0.5;
  const padding = 'ü'.repeat(randomInt(0, 60_000)); // up to ~600 KB a batch: kills often land mid-write
  return range(0, size - 1).map((index) => {
    const metadata = { batch, size, index };
    const content = `${batch}/${index} ${padding}`;
    if (withCall && index === 0) {
      return {
        role: 'assistant',
        content: null,
        metadata,
        tool_calls: [{ id: `call-${batch}`, type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
      };
    }
    if (withCall && index === 1) return { role: 'tool', content, metadata, tool_call_id: `call-${batch}` };
    return { role: index % 2 === 0 ? 'user' : 'assistant', content, metadata };
  });
}

/** Appends until the connection dies; returns what the server acknowledged. */
async function appendUntilDead(
  server: Running,
  id: string,
  prefix: string,
  errors: string[],
  onAck: () => void,
): Promise<Acked[]> {
  const acked: Acked[] = [];
  for (let n = 0; ; n++) {
    const batch = `${prefix}-b${n}`;
    const messages = makeBatch(batch);
    let result: Awaited<ReturnType<Running['callRaw']>>;
    try {
      result = await server.callRaw('append_messages', { conversation_id: id, messages });
    } catch {
      return acked; // the process is gone: this batch was not acknowledged
    }
    if (result.isError) {
      errors.push(`${batch}: ${JSON.stringify(result.content)}`);
      continue;
    }
    const stored = (result.structuredContent as { messages: Array<{ id: string; seq: number }> }).messages;
    acked.push({
      batch,
      ids: stored.map((m) => m.id),
      seqs: stored.map((m) => m.seq),
      contents: messages.map((m) => m.content ?? ''),
    });
    onAck();
  }
}

/** What the file holds, checked against every rule; returns the messages. */
function checkFile(dbPath: string, acked: Acked[], context: string): StoredMessage[] {
  const onDisk = inspectDatabase(dbPath);
  expect(onDisk.integrity, `${context}: PRAGMA integrity_check`).toEqual(['ok']);
  expect(onDisk.foreignKeys, `${context}: PRAGMA foreign_key_check`).toEqual([]);
  expect(onDisk.conversations, `${context}: one conversation`).toHaveLength(1);
  const [conversation] = onDisk.conversations;
  const messages = onDisk.messages.get(conversation!.id)!;
  expect(
    messages.map((m) => m.seq),
    `${context}: seq gapless`,
  ).toEqual(range(1, messages.length));
  expect(conversation!.messageCount, `${context}: message_count matches the stored rows`).toBe(messages.length);

  const bySeq = new Map(messages.map((m) => [m.seq, m]));
  for (const a of acked) {
    a.seqs.forEach((seq, i) => {
      const m = bySeq.get(seq);
      expect(m?.id, `${context}: acknowledged ${a.batch}[${i}] (seq ${seq}) is stored`).toBe(a.ids[i]);
      expect(m?.content ?? '', `${context}: content of ${a.batch}[${i}]`).toBe(a.contents[i]);
    });
  }

  // Group by batch marker: every batch present is complete and contiguous.
  const batches = new Map<string, StoredMessage[]>();
  for (const m of messages) {
    const { batch } = JSON.parse(m.metadata!) as { batch: string };
    batches.set(batch, [...(batches.get(batch) ?? []), m]);
  }
  const callIds = new Set(onDisk.toolCallIds.get(conversation!.id));
  for (const [batch, rows] of batches) {
    const meta = rows.map((r) => JSON.parse(r.metadata!) as { size: number; index: number });
    expect(rows.length, `${context}: batch ${batch} is complete`).toBe(meta[0]!.size);
    expect(
      meta.map((m) => m.index),
      `${context}: batch ${batch} in order`,
    ).toEqual(range(0, rows.length - 1));
    expect(
      rows.map((r) => r.seq),
      `${context}: batch ${batch} contiguous`,
    ).toEqual(range(rows[0]!.seq, rows[0]!.seq + rows.length - 1));
    if (rows[0]!.role === 'assistant' && rows[1]?.role === 'tool')
      expect(callIds.has(`call-${batch}`), `${context}: tool call of ${batch}`).toBe(true);
  }
  expect(callIds.size, `${context}: no tool call without its batch`).toBe(
    [...callIds].filter((c) => batches.has(c.slice('call-'.length))).length,
  );
  return messages;
}

describe('crash safety (SIGKILL under continuous appends)', () => {
  it(`keeps every acknowledged append, no partial batch, a sound file and a normal restart — ${ROUNDS} kills on one file`, async () => {
    const dbPath = join(tmp.dir, 'crash.db');
    const acked: Acked[] = [];
    const errors: string[] = [];
    const log: string[] = [];
    let conversationId = '';
    let stored = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      const server = await startServer(dbPath, []);
      const created = await server.call('create_conversation', { key: 'crash' });
      expect(created.created, `round ${round}: get-or-create`).toBe(round === 1);
      conversationId ||= created.conversation.id;
      expect(created.conversation.id).toBe(conversationId);
      expect(created.conversation.message_count, `round ${round}: the restarted server sees what is on disk`).toBe(
        stored,
      );

      // The random delay starts once appends are flowing (the first ones of a fresh process are
      // slow to warm up), so the kill lands in steady-state writing.
      let flowing!: () => void;
      const firstAck = new Promise<void>((resolve) => (flowing = resolve));
      const loops = range(1, APPENDERS).map((a) =>
        appendUntilDead(server, conversationId, `r${round}a${a}`, errors, flowing),
      );
      await Promise.race([firstAck, sleep(30_000)]);
      const delay = randomInt(100, 600);
      await sleep(delay);
      server.child.kill('SIGKILL');
      expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const roundAcked = (await Promise.all(loops)).flat();
      await server.close().catch(() => undefined);
      acked.push(...roundAcked);

      const messages = checkFile(dbPath, acked, `round ${round}`);
      // At most the batches in flight at the kill can be stored without an acknowledgement.
      const present = new Set(messages.map((m) => (JSON.parse(m.metadata!) as { batch: string }).batch));
      const unacked = [...present].filter((b) => b.startsWith(`r${round}a`) && !roundAcked.some((a) => a.batch === b));
      expect(
        unacked.length,
        `round ${round}: unacknowledged batches stored (${unacked.join(', ')})`,
      ).toBeLessThanOrEqual(APPENDERS);
      log.push(
        `round ${round}: killed after ${delay} ms; ${roundAcked.length} batches acknowledged, ${unacked.length} stored unacknowledged`,
      );
      stored = messages.length;
    }
    console.log(`crash rounds:\n  ${log.join('\n  ')}`);
    expect(errors, 'no append returned isError').toEqual([]);
    expect(acked.length, 'appends were acknowledged before the kills').toBeGreaterThan(0);

    // A last, ordinary start: the server reads exactly what is on disk, appends and exits cleanly.
    const server = await startServer(dbPath, []);
    try {
      const viaServer = await readAll(server, conversationId);
      const onDisk = inspectDatabase(dbPath).messages.get(conversationId)!;
      expect(viaServer.map((m) => [m.id, m.seq, m.content ?? null])).toEqual(
        onDisk.map((m) => [m.id, m.seq, m.content]),
      );
      const after = await server.call('append_messages', {
        conversation_id: conversationId,
        messages: [{ role: 'user', content: 'after the crashes' }],
      });
      expect(after.messages[0].seq).toBe(onDisk.length + 1);
    } finally {
      await server.close();
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('a kill during the very first start (while migrating a new file) leaves a file the next start completes', async () => {
    requireBuiltCli();
    const phases: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const dbPath = join(tmp.dir, `first-start-${attempt}.db`);
      const child = spawn(process.execPath, [CLI, '--db', dbPath, '--log-level', 'info'], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      // Odd attempts die right after the first migration is logged (the next one is running
      // then); even ones at a random moment of the start-up.
      const kill = () => child.kill('SIGKILL');
      if (attempt % 2 === 1) {
        child.stderr.on('data', (chunk: Buffer) => chunk.toString('utf8').includes('migration applied') && kill());
        setTimeout(kill, 20_000).unref(); // never hang if the log line changes
      } else {
        child.stderr.resume();
        setTimeout(kill, randomInt(0, 1500)).unref();
      }
      expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
      phases.push(`attempt ${attempt}: ${migrationState(dbPath)}`);

      const server = await startServer(dbPath, []);
      try {
        const { conversation } = await server.call('create_conversation', { key: 'after-kill' });
        await server.call('append_messages', {
          conversation_id: conversation.id,
          messages: [{ role: 'user', content: 'hello' }],
        });
        expect((await readAll(server, conversation.id)).map((m) => m.content)).toEqual(['hello']);
      } finally {
        await server.close();
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const db = new Sqlite(dbPath, { readonly: true });
      try {
        expect(db.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok']);
        const unfinished = db
          .prepare('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NULL')
          .pluck()
          .all();
        expect(unfinished, 'no half-applied migration recorded').toEqual([]);
      } finally {
        db.close();
      }
    }
    // Where the kills landed, for the record (timing decides; each phase must be survivable).
    console.log(`first-start kills:\n  ${phases.join('\n  ')}`);
  });
});

/** How far the killed first start got: no file, no table yet, or N finished migrations. */
function migrationState(dbPath: string): string {
  if (!existsSync(dbPath)) return 'no file yet';
  const db = new Sqlite(dbPath, { readonly: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE name = '_prisma_migrations'").get();
    if (!table) return 'file, no migrations table';
    const finished = db.prepare('SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL').pluck().get();
    return `${String(finished)} migration(s) finished`;
  } finally {
    db.close();
  }
}
