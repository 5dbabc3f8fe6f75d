/**
 * Filling a migrated database with synthetic history, the way the server itself writes it:
 * seq gapless from 1, message_count and updated_at of each conversation matching its
 * messages, UUID v7 ids, DateTime columns as the Prisma 7 adapter writes them (ISO 8601 with
 * "+00:00", e.g. 2026-11-22T09:05:47.503+00:00; see mapArg in @prisma/adapter-better-sqlite3).
 * Conversations are interleaved in time (several active at once), as with real agents, so one
 * conversation's rows are spread over the file rather than packed together.
 */
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { conversationLength, type MessageRow, rng, TextSource, turns } from './corpus.js';
import { prepareMessageInserts } from './inserts.js';

export const OWNER = 'local';
/** Fixed-length conversations planted mid-timeline in every size, used as measurement targets. */
const TARGETS = { history: 300, context: 100, append: 40 } as const;
export type TargetName = keyof typeof TARGETS;
const ACTIVE_AT_ONCE = 8;
const ROWS_PER_TRANSACTION = 20_000;

export interface Target {
  id: string;
  length: number;
}

export interface Filled {
  messages: number;
  conversations: number;
  tool_calls: number;
  targets: Record<TargetName, Target>;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

function lengths(total: number, r: () => number): { list: number[]; targetAt: Record<TargetName, number> } {
  const planted = Object.values(TARGETS).reduce((a, b) => a + b, 0);
  const list: number[] = [];
  let remaining = total - planted;
  while (remaining > 0) {
    let n = Math.min(conversationLength(r), remaining);
    if (remaining - n < 2) n = remaining; // no 1-message leftovers
    list.push(n);
    remaining -= n;
  }
  const mid = Math.floor(list.length / 2);
  const names = Object.keys(TARGETS) as TargetName[];
  list.splice(mid, 0, ...names.map((k) => TARGETS[k]));
  const targetAt = Object.fromEntries(names.map((k, i) => [k, mid + i])) as Record<TargetName, number>;
  return { list, targetAt };
}

interface Active {
  index: number;
  id: string;
  seq: number;
  lastAt: number;
  gen: Generator<MessageRow[]>;
}

export function fill(path: string, total: number): Filled {
  const r = rng(0x5eed + total);
  const text = new TextSource(rng(42));
  const { list, targetAt } = lengths(total, r);
  const db = new Database(path);
  // Bulk-load settings for this connection only: the file keeps WAL, and durability of a
  // half-built cache file does not matter (it is renamed into place only when complete).
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = ON');
  const insConv = db.prepare(
    `INSERT INTO conversations (id, owner, key, title, metadata, message_count, created_at, updated_at)
     VALUES (?, ?, ?, ?, NULL, 0, ?, ?)`,
  );
  const finishConv = db.prepare('UPDATE conversations SET message_count = ?, updated_at = ? WHERE id = ?');
  const { insMsg, insCall } = prepareMessageInserts(db);

  const targets = {} as Record<TargetName, Target>;
  let clock = Date.parse('2025-01-01T00:00:00.000Z');
  let next = 0;
  let written = 0;
  let calls = 0;
  const active: Active[] = [];
  db.exec('BEGIN');
  while (active.length > 0 || next < list.length) {
    while (active.length < ACTIVE_AT_ONCE && next < list.length) {
      const index = next++;
      const id = uuidv7({ msecs: clock });
      insConv.run(id, OWNER, index % 2 === 0 ? `agent-session-${index}` : null, text.text(40), iso(clock), iso(clock));
      active.push({ index, id, seq: 0, lastAt: clock, gen: turns(r, text, list[index]!, `c${index}`) });
      for (const [k, at] of Object.entries(targetAt))
        if (at === index) targets[k as TargetName] = { id, length: list[index]! };
    }
    const slot = Math.floor(r() * active.length);
    const conv = active[slot]!;
    const turn = conv.gen.next();
    if (turn.done) {
      finishConv.run(conv.seq, iso(conv.lastAt), conv.id);
      active.splice(slot, 1);
      continue;
    }
    for (const m of turn.value) {
      clock += 1000 + Math.floor(r() * 30_000);
      const id = uuidv7({ msecs: clock });
      insMsg.run(id, conv.id, ++conv.seq, m.role, m.content, m.toolCallId ?? null, iso(clock));
      m.toolCalls?.forEach((c, position) => {
        insCall.run(conv.id, c.id, id, position, c.name, c.arguments);
        calls++;
      });
      conv.lastAt = clock;
      if (++written % ROWS_PER_TRANSACTION === 0) {
        db.exec('COMMIT');
        db.exec('BEGIN');
      }
    }
  }
  db.exec('COMMIT');
  db.close();
  return { messages: written, conversations: list.length, tool_calls: calls, targets };
}

export function finish(path: string, total: number): void {
  const db = new Database(path);
  try {
    check(db, total);
    // One self-contained file in the cache: fold the WAL back in.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The invariants the server relies on; a seed that breaks them would measure nonsense. */
function check(db: Database.Database, total: number): void {
  const row = db
    .prepare(
      `SELECT (SELECT count(*) FROM messages) AS n,
              (SELECT sum(message_count) FROM conversations) AS counted,
              (SELECT count(*) FROM conversations c
                 WHERE c.message_count <> (SELECT coalesce(max(seq), 0) FROM messages m WHERE m.conversation_id = c.id)) AS bad`,
    )
    .get() as { n: number; counted: number; bad: number };
  if (row.n !== total || row.counted !== total || row.bad !== 0) {
    throw new Error(`seed check failed: ${JSON.stringify(row)} (expected ${total} messages, gapless seq)`);
  }
}
