import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EARLIEST_INSTANT, LATEST_INSTANT } from '../../src/history/core/timestamps.js';
import { type Connected, connect, freshDatabase } from '../support/harness.js';

/**
 * Timestamps from outside (import data, search filters, cursors) are either refused naming
 * the field, or kept so that every other tool works with them: list_conversations and
 * resources/list page through them in time order (each page's next_cursor accepted), and
 * export json → import keeps them exactly. On both backends.
 */
type Db = Awaited<ReturnType<typeof freshDatabase>>;
let source: Db;
let target: Db;
let owners = 0;
const clients: Connected[] = [];
/** A client of its own owner: every case starts from an empty list. */
async function client(database: Db, owner = `owner-${++owners}`): Promise<Connected> {
  const c = await connect(database, { owner });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  source = await freshDatabase();
  target = await freshDatabase();
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await source?.close();
  await target?.close();
});

const RANGE =
  /must be between 0001-01-01T00:00:00\.000Z and 9999-12-31T23:59:59\.999Z \(UTC, after applying its offset\)/;

function doc(conversation: { created_at?: string; updated_at?: string }, messageTimes: string[]) {
  return {
    format: 'chat-history-mcp',
    version: 1,
    conversation: { title: 'ts', ...conversation },
    messages: messageTimes.map((created_at, i) => ({ role: 'user', content: `m${i}`, created_at })),
  };
}

describe('timestamps the store cannot keep are refused, naming the field', () => {
  const outside = [
    '9999-12-31T23:59:59-14:00', // year 10000 in UTC: stored as +010000-…, sorted as the oldest
    '0000-01-01T00:00:00Z', // PostgreSQL has no year 0
    '0001-01-01T00:00:00+00:01', // one minute before 0001-01-01 UTC
    '0000-12-31T23:59:59.999Z',
  ];

  it('import json: conversation created_at / updated_at and each message created_at', async () => {
    const api = await client(source);
    const ok = '2025-01-01T00:00:00Z';
    for (const bad of outside) {
      for (const [data, path] of [
        [doc({ created_at: bad }, []), 'data.conversation.created_at'],
        [doc({ updated_at: bad }, []), 'data.conversation.updated_at'],
        [doc({}, [ok, ok, ok, bad]), 'data.messages[3].created_at'],
      ] as const) {
        const error = await api.callError('import_conversation', { format: 'json', data });
        expect(error, `${bad} at ${path}`).toMatch(RANGE);
        expect(error).toContain(`at ${path}`);
        expect(error).toMatch(new RegExp(`^${path.split('.').at(-1)} must be`));
      }
    }
    expect((await api.call('list_conversations', {})).conversations).toEqual([]);
    // Not ISO-8601 at all: the other message, naming the field too.
    expect(
      await api.callError('import_conversation', { format: 'json', data: doc({ updated_at: 'yesterday' }, []) }),
    ).toBe('updated_at must be an ISO-8601 timestamp at data.conversation.updated_at');
  });

  it('search_messages after / before', async () => {
    const api = await client(source);
    for (const bad of [...outside, '0000-01-01']) {
      expect(await api.callError('search_messages', { query: 'm0', after: bad })).toMatch(
        new RegExp(`timestamp ${RANGE.source}.* at after`),
      );
      expect(await api.callError('search_messages', { query: 'm0', before: bad })).toMatch(
        /timestamp must be between .* at before/,
      );
    }
    // The ends of the range are accepted, and filter as instants.
    await api.call('import_conversation', {
      format: 'json',
      data: doc({}, ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z']),
    });
    const hits = async (args: Record<string, unknown>) =>
      (await api.call('search_messages', args)).hits.map((h: { created_at: string }) => h.created_at);
    expect(await hits({ query: 'm0', after: '0001-01-01' })).toEqual([]);
    expect(await hits({ query: 'm0', before: '0001-01-01T00:00:00.001Z' })).toEqual(['0001-01-01T00:00:00.000Z']);
    expect(await hits({ query: 'm1', after: '9999-12-31T23:59:59.998Z' })).toEqual(['9999-12-31T23:59:59.999Z']);
    expect(await hits({ query: 'm1', before: '9999-12-31T23:59:59.999Z' })).toEqual([]);
  });

  it('a list cursor naming an instant outside the range is an invalid cursor, not an internal error', async () => {
    const api = await client(source);
    for (const at of ['0000-01-01T00:00:00.000Z', '+010000-01-01T13:59:59.000Z', '9999-12-31T23:59:59-14:00']) {
      const cursor = Buffer.from(JSON.stringify([at, '01a20d7d-39bb-777a-bef8-6ddec3b7a92c'])).toString('base64url');
      expect(await api.callError('list_conversations', { cursor })).toMatch(/^cursor is not valid/);
      await expect(api.client.listResources({ cursor })).rejects.toThrow(/cursor is not valid/);
    }
  });
});

// --- any accepted timestamp works end to end --------------------------------------------------------

/**
 * A timestamp as a client in some zone writes it: a wall-clock time with a 4-digit year
 * (0000–9999) and an offset up to ±14:00, or Z. Its instant may fall just outside the range
 * (year 0000 in UTC, or 10000 once the offset is applied): those must be refused.
 */
const YEAR_0 = new Date('0000-01-01T00:00:00.000Z');
const wallClock = fc.oneof(
  { weight: 3, arbitrary: fc.date({ min: YEAR_0, max: LATEST_INSTANT, noInvalidDate: true }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      YEAR_0,
      EARLIEST_INSTANT,
      new Date(EARLIEST_INSTANT.getTime() - 1),
      new Date(EARLIEST_INSTANT.getTime() + 1),
      new Date('0001-01-01T13:59:59.999Z'),
      new Date(0),
      new Date('9999-12-31T10:00:00.000Z'),
      new Date(LATEST_INSTANT.getTime() - 1),
      LATEST_INSTANT,
    ),
  },
);
const timestamp = fc
  .tuple(wallClock, fc.integer({ min: -14 * 60, max: 14 * 60 }), fc.boolean())
  .map(([wall, minutes, millis]) => {
    const base = wall.toISOString().slice(0, millis || wall.getUTCMilliseconds() !== 0 ? 23 : 19);
    const abs = Math.abs(minutes);
    const offset =
      minutes === 0
        ? 'Z'
        : `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    const text = base + offset;
    const at = new Date(text);
    return { text, at, storable: at >= EARLIEST_INSTANT && at <= LATEST_INSTANT };
  });

const conversationDoc = fc.record({
  created: timestamp,
  updated: timestamp,
  messages: fc.array(timestamp, { maxLength: 3 }),
});

async function walkList(api: Connected) {
  const pages: Array<{ ids: string[]; updated: string[]; next: string | null }> = [];
  let cursor: string | undefined;
  do {
    const page = await api.call('list_conversations', { limit: 2, ...(cursor && { cursor }) });
    pages.push({
      ids: page.conversations.map((c: { id: string }) => c.id),
      updated: page.conversations.map((c: { updated_at: string }) => c.updated_at),
      next: page.next_cursor,
    });
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

async function exportJson(api: Connected, id: string) {
  const messages: unknown[] = [];
  let data: any;
  let cursor: string | undefined;
  do {
    const page = await api.call('export_conversation', {
      conversation_id: id,
      format: 'json',
      ...(cursor && { cursor }),
    });
    data = page.data;
    messages.push(...page.data.messages);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return { ...data, messages };
}

describe('an accepted timestamp survives every other tool', () => {
  it('import → list_conversations and resources/list paging → export json → import, in time order', {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(conversationDoc, { minLength: 1, maxLength: 5 }), async (docs) => {
        const api = await client(source);
        const imported = new Map<string, (typeof docs)[number]>();
        for (const d of docs) {
          const data = doc(
            { created_at: d.created.text, updated_at: d.updated.text },
            d.messages.map((m) => m.text),
          );
          const fields: Array<[string, { storable: boolean }]> = [
            ['data.conversation.created_at', d.created],
            ['data.conversation.updated_at', d.updated],
            ...d.messages.map((m, i): [string, { storable: boolean }] => [`data.messages[${i}].created_at`, m]),
          ];
          const firstBad = fields.find(([, t]) => !t.storable);
          if (firstBad !== undefined) {
            const error = await api.callError('import_conversation', { format: 'json', data });
            expect(error).toMatch(RANGE);
            expect(error).toContain(`at ${firstBad[0]}`);
            continue;
          }
          const c = await api.call('import_conversation', { format: 'json', data });
          expect(c.created_at).toBe(d.created.at.toISOString());
          expect(c.updated_at).toBe(d.updated.at.toISOString());
          imported.set(c.id, d);
        }

        // list_conversations: every cursor accepted, each conversation once, newest activity first.
        if (imported.size === 0) return;
        const pages = await walkList(api);
        const ids = pages.flatMap((p) => p.ids);
        expect([...ids].sort()).toEqual([...imported.keys()].sort());
        const times = ids.map((id) => imported.get(id)!.updated.at.getTime());
        expect(times).toEqual([...times].sort((a, b) => b - a));

        // resources/list takes the same cursors (and pages on from them) and issues its own.
        for (const [i, page] of pages.entries()) {
          if (page.next === null) continue;
          const rest = await api.client.listResources({ cursor: page.next });
          expect(rest.resources.map((r) => r.uri.slice('conversation://'.length))).toEqual(
            pages.slice(i + 1).flatMap((p) => p.ids),
          );
        }
        expect((await api.client.listResources()).resources.map((r) => r.uri.slice('conversation://'.length))).toEqual(
          ids,
        );

        // export json → import elsewhere → export: the same timestamps.
        const elsewhere = await client(target);
        for (const id of ids) {
          const exported = await exportJson(api, id);
          const d = imported.get(id)!;
          expect(exported.conversation.created_at).toBe(d.created.at.toISOString());
          expect(exported.messages.map((m: { created_at: string }) => m.created_at)).toEqual(
            d.messages.map((m) => m.at.toISOString()),
          );
          const copy = await elsewhere.call('import_conversation', { format: 'json', data: exported });
          expect(await exportJson(elsewhere, copy.id)).toEqual(exported);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('resources/list pages through more than one page of conversations at the ends of the range', {
    timeout: 120_000,
  }, async () => {
    const api = await client(source);
    const ends = [
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '9999-12-31T09:59:59.999-14:00',
      '0001-01-01T13:59:00+13:59',
    ];
    for (let i = 0; i < 55; i++) {
      const at = ends[i % ends.length]!;
      await api.call('import_conversation', { format: 'json', data: doc({ created_at: at, updated_at: at }, [at]) });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.client.listResources(cursor === undefined ? undefined : { cursor });
      seen.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(55);
    expect(seen).toEqual((await walkList(api)).flatMap((p) => p.ids).map((id) => `conversation://${id}`));
  });
});
