import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, TokenStore } from '../../src/auth/tokens.js';
import type { Database } from '../../src/db/index.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { DEFAULT_POLICY } from '../../src/history/core/policy.js';
import type { Erased } from '../../src/history/maintenance/erase.js';
import { HistoryStore, type OwnerHistory } from '../../src/history/store.js';
import { testBackend } from '../support/backend.js';
import { freshDatabase } from '../support/harness.js';

/**
 * `owner erase`: an owner with one of everything is erased; then every row of every table of
 * the database (enumerated from the catalog, the search index included) is read, and nothing
 * of that owner may be left but the one 'erase' event — while another owner's data is whole
 * and still searchable.
 */
const ERASED = 'erase-me-owner';
const KEPT = 'keep-owner';

let database: Database;
let store: HistoryStore;
/** Strings that only the erased owner's data contains. */
const markers = new Set<string>([ERASED]);
let erased: Erased;
let keptBefore: Record<string, unknown[]>;

async function everything(h: OwnerHistory, word: string, prefix: string): Promise<string[]> {
  const live = (
    await h.createConversation({
      key: `${prefix}-key`,
      title: `${prefix}-title`,
      metadata: { [`${prefix}meta`]: `${prefix}-metavalue` },
    })
  ).conversation.id;
  await h.appendMessages({
    conversation_id: live,
    idempotency_key: `${prefix}-idempotency`,
    messages: [
      { role: 'system', content: `${word} system prompt` },
      { role: 'user', content: `${word} question`, name: `${prefix}-name`, metadata: { [`${prefix}m`]: 1 } },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: `${prefix}-call-1`,
            type: 'function',
            function: { name: `${prefix}_tool`, arguments: `{"${prefix}arg":"${word}"}` },
          },
        ],
      },
      { role: 'tool', tool_call_id: `${prefix}-call-1`, content: `${word} tool result` },
      { role: 'assistant', content: `${word} answer` },
    ],
  });
  await h.setSummary({ conversation_id: live, through_seq: 2, summary: `${prefix}-summary ${word}` });
  const trashed = (await h.createConversation({ title: `${prefix}-trashed-title` })).conversation.id;
  await h.appendMessages({ conversation_id: trashed, messages: [{ role: 'user', content: `${word} in the trash` }] });
  await h.deleteConversation({ conversation_id: trashed });
  return [live, trashed];
}

/** Every table of the database, as the catalog lists it (search index and its shadow tables too). */
async function tables(): Promise<string[]> {
  const rows =
    testBackend() === 'sqlite'
      ? await database.db.$queryRawUnsafe<Array<{ name: string }>>(
          "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        )
      : await database.db.$queryRawUnsafe<Array<{ name: string }>>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
        );
  return rows.map((r) => r.name);
}

/** Each row of a table as one string: text as it is, blobs as their bytes (latin1). */
async function rowsOf(table: string): Promise<string[]> {
  if (testBackend() === 'postgresql') {
    const rows = await database.db.$queryRawUnsafe<Array<{ row: string }>>(
      `SELECT row_to_json(t)::text AS row FROM "${table}" t`,
    );
    return rows.map((r) => r.row);
  }
  // Every column as hex (the driver cannot hand over every blob as it is), read back as bytes.
  const columns = await database.db.$queryRawUnsafe<Array<{ name: string }>>(
    `SELECT name FROM pragma_table_info('${table}')`,
  );
  const rows = await database.db.$queryRawUnsafe<Array<Record<string, string | null>>>(
    `SELECT ${columns.map((c) => `hex("${c.name}") AS "${c.name}"`).join(', ')} FROM "${table}"`,
  );
  return rows.map((r) =>
    Object.values(r)
      .map((v) => Buffer.from(v ?? '', 'hex').toString('latin1'))
      .join('|'),
  );
}

async function dump(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await tables()) out[t] = await rowsOf(t);
  return out;
}

beforeAll(async () => {
  database = await freshDatabase();
  store = new HistoryStore(database, DEFAULT_LIMITS, 10_000, { ...DEFAULT_POLICY });
  const tokens = new TokenStore(database.db);

  const gone = store.forOwner(ERASED);
  for (const id of await everything(gone, 'zebraerase', 'erasepfx')) markers.add(id);
  for (const m of await database.db.message.findMany({
    where: { conversation: { owner: ERASED } },
    select: { id: true },
  }))
    markers.add(m.id);
  for (const s of ['zebraerase', 'erasepfx']) markers.add(s);
  for (const service of [false, true]) {
    const { secret, token } = await tokens.create({ owner: ERASED, name: `erasepfx-token-${service}`, service });
    markers.add(token.id);
    markers.add(hashSecret(secret));
  }
  await store.maintenance.setQuota(ERASED, { maxBytes: 10_000_000, maxConversations: 50 });

  const kept = store.forOwner(KEPT);
  await everything(kept, 'keepword', 'keeppfx');
  await tokens.create({ owner: KEPT, name: 'keeppfx-token' });
  await store.maintenance.setQuota(KEPT, { maxBytes: 20_000_000 });
  keptBefore = await keptRows();

  erased = await store.maintenance.erase(ERASED);
});
afterAll(() => database.close());

/** The kept owner's rows in every table that has an owner or a conversation. */
async function keptRows(): Promise<Record<string, unknown[]>> {
  const inKept = { conversation: { owner: KEPT } };
  return {
    conversations: await database.db.conversation.findMany({ where: { owner: KEPT }, orderBy: { id: 'asc' } }),
    messages: await database.db.message.findMany({ where: inKept, orderBy: { id: 'asc' } }),
    toolCalls: await database.db.toolCall.findMany({ where: inKept, orderBy: { callId: 'asc' } }),
    summaries: await database.db.summary.findMany({ where: inKept }),
    idempotency: await database.db.idempotencyKey.findMany({ where: inKept }),
    searchKeys: await database.db.messageFtsKey.findMany({ where: { owner: KEPT }, orderBy: { ftsRowid: 'asc' } }),
    tokens: await database.db.accessToken.findMany({ where: { owner: KEPT }, orderBy: { id: 'asc' } }),
    usage: await database.db.ownerUsage.findMany({ where: { owner: KEPT } }),
    audit: await database.db.auditEvent.findMany({ where: { owner: KEPT }, orderBy: { id: 'asc' } }),
  };
}

describe('owner erase', () => {
  it('reports what it deleted', () => {
    expect(erased).toMatchObject({ conversations: 2, messages: 6, tokens: 2 });
    expect(erased.bytes).toBeGreaterThan(0);
    expect(erased.auditEvents).toBeGreaterThan(5);
  });

  it('leaves no row of any table holding the erased owner’s data, but the one erase event', async () => {
    const all = await dump();
    // The catalog really was read: the search index is among the tables.
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['messages_fts', 'messages_fts_map', 'audit_events']));
    const found: string[] = [];
    for (const [table, rows] of Object.entries(all)) {
      for (const row of rows) {
        // FTS5's segment tables (messages_fts_data, _idx) included: erase merges the index, so a
        // deleted row's terms are gone from its storage too, not only from every query.
        const hits = [...markers].filter((m) => row.includes(m));
        if (hits.length > 0) found.push(`${table}: ${hits.join(', ')} in ${row.slice(0, 300)}`);
      }
    }
    expect(found).toEqual([expect.stringMatching(new RegExp(`^audit_events: ${ERASED} in `))]);

    const events = await database.db.auditEvent.findMany({ where: { owner: ERASED } });
    expect(events).toEqual([
      expect.objectContaining({
        operation: 'erase',
        actorKind: 'cli',
        conversationId: null,
        messages: erased.messages,
        bytes: BigInt(erased.bytes),
      }),
    ]);
  });

  it('leaves the other owner whole and searchable', async () => {
    expect(await keptRows()).toEqual(keptBefore);
    const kept = store.forOwner(KEPT);
    const hits = (await kept.searchMessages({ query: 'keepword' })).hits;
    expect(hits.length).toBeGreaterThan(0);
    expect((await kept.searchMessages({ query: 'keeppfx_tool' })).hits.length).toBeGreaterThan(0);
    expect((await store.forOwner(ERASED).searchMessages({ query: 'zebraerase' })).hits).toEqual([]);
    expect((await kept.searchMessages({ query: 'zebraerase' })).hits).toEqual([]);
  });

  it('leaves the erased owner as one that never wrote, able to start again', async () => {
    expect(await store.maintenance.usage(ERASED)).toMatchObject({
      conversations: 0,
      bytes: 0,
      maxBytesOverride: null,
      maxConversationsOverride: null,
    });
    const again = store.forOwner(ERASED);
    const { conversation, created } = await again.createConversation({ key: 'erasepfx-key' });
    expect(created).toBe(true);
    expect(conversation.message_count).toBe(0);
  });
});
