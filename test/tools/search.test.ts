import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { sqliteMigrationsDir } from '../../src/db/migrations.js';
import { applyMigrations } from '../../src/db/sqlite/migrate.js';
import type { SearchHitView, SearchResultView } from '../../src/history/search/schemas.js';
import { testBackend } from '../support/backend.js';
import { type Connected, connect, openTestDatabase, setup, silentLogger, tempDir } from '../support/harness.js';
import { expectIndexInSync as indexInSync } from '../support/search-index.js';

type Env = Awaited<ReturnType<typeof setup>>;

let env: Env;
let other: Connected;
beforeAll(async () => {
  env = await setup();
  other = await connect(env.database, { owner: 'someone-else' });
});
afterAll(async () => {
  await other.close();
  await env.close();
});

const expectIndexInSync = (database: Database = env.database) => indexInSync(database);
const search = (args: Record<string, unknown>, as: Connected = env) =>
  as.call<SearchResultView>('search_messages', args);
async function conversation(title: string, messages: unknown[] = [], as: Connected = env): Promise<string> {
  const id = (await as.call('create_conversation', { title })).conversation.id as string;
  if (messages.length > 0) await as.call('append_messages', { conversation_id: id, messages });
  return id;
}
const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });
const call = (id: string, name: string, args: string) => ({
  role: 'assistant',
  content: null,
  tool_calls: [{ id, type: 'function', function: { name, arguments: args } }],
});

describe('search_messages: matching', () => {
  let cid: string;
  beforeAll(async () => {
    cid = await conversation('Matching', [
      user('We drank a café crème near the Louvre, a naïve choice.'),
      assistant('Deploy the cluster with kubernetes tomorrow.'),
      call('m-call-1', 'get_weather', '{"city":"Reykjavik","unit":"celsius"}'),
      { role: 'tool', tool_call_id: 'm-call-1', content: 'Light snow, minus three.' },
    ]);
  });

  it('ignores accents and case, both ways', async () => {
    for (const query of ['cafe', 'CAFÉ', 'café', 'naive', 'NAÏVE louvre']) {
      const r = await search({ query, conversation_id: cid });
      expect(
        r.hits.map((h) => h.seq),
        query,
      ).toEqual([1]);
    }
  });

  it('marks the matched words in the snippet', async () => {
    const [hit] = (await search({ query: 'cafe louvre', conversation_id: cid })).hits;
    expect(hit!.snippet).toContain('«café»');
    expect(hit!.snippet).toContain('«Louvre»');
    expect(hit).toMatchObject({ conversation_id: cid, conversation_title: 'Matching', seq: 1, role: 'user' });
    expect(hit!.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('matches the last word as a prefix, and the others exactly', async () => {
    const prefix = await search({ query: 'deploy kube', conversation_id: cid });
    expect(prefix.terms).toEqual(['deploy', 'kube*']);
    expect(prefix.hits.map((h) => h.seq)).toEqual([2]);
    expect(prefix.hits[0]!.snippet).toContain('«kubernetes»');
    expect((await search({ query: 'kube deploy', conversation_id: cid })).hits).toEqual([]);
    // A bare word ending in * is a prefix wherever it stands; a quoted last word is exact.
    expect((await search({ query: 'kube* deploy', conversation_id: cid })).hits.map((h) => h.seq)).toEqual([2]);
    expect((await search({ query: 'deploy "kube"', conversation_id: cid })).hits).toEqual([]);
  });

  it('requires every word, and "quoted words" together', async () => {
    expect((await search({ query: 'deploy snow', conversation_id: cid })).hits).toEqual([]);
    expect((await search({ query: '"the cluster"', conversation_id: cid })).hits.map((h) => h.seq)).toEqual([2]);
    expect((await search({ query: '"cluster the"', conversation_id: cid })).hits).toEqual([]);
  });

  it('searches tool-call names and arguments, and tool results', async () => {
    expect((await search({ query: 'get_weather', conversation_id: cid })).hits.map((h) => h.seq)).toEqual([3]);
    const [hit] = (await search({ query: 'reykjavik', conversation_id: cid })).hits;
    expect(hit).toMatchObject({ seq: 3, role: 'assistant' });
    expect(hit!.snippet).toContain('«Reykjavik»');
    expect((await search({ query: 'snow', conversation_id: cid })).hits.map((h) => h.seq)).toEqual([4]);
  });
});

describe('search_messages: ranking', () => {
  it('ranks a short message with the term twice above a long one that mentions it once', async () => {
    const filler = 'words about something else entirely and more of them to make this long '.repeat(4);
    const cid = await conversation('Ranking', [
      user(`${filler} wombat ${filler}`),
      user('wombat wombat'),
      user(`a note on the wombat and ${filler}`),
    ]);
    const r = await search({ query: 'wombat', conversation_id: cid });
    expect(r.hits.map((h) => h.seq)[0]).toBe(2);
    // Same single occurrence, the shorter text ranks first (bm25 length normalisation).
    expect(r.hits.map((h) => h.seq).slice(1)).toEqual([3, 1]);
  });
});

describe('search_messages: filters', () => {
  let a: string;
  let b: string;
  let firstAt: string;
  beforeAll(async () => {
    a = await conversation('Filters A', [user('ocelot one'), assistant('ocelot two')]);
    firstAt = (await env.call('get_history', { conversation_id: a })).messages[1].created_at;
    await new Promise((r) => setTimeout(r, 10));
    await env.call('append_messages', {
      conversation_id: a,
      messages: [
        call('f-call-1', 'find', '{"animal":"ocelot"}'),
        { role: 'tool', tool_call_id: 'f-call-1', content: 'ocelot three' },
      ],
    });
    b = await conversation('Filters B', [user('ocelot elsewhere')]);
  });

  it('conversation_id keeps one conversation', async () => {
    const all = await search({ query: 'ocelot' });
    expect(new Set(all.hits.map((h) => h.conversation_id))).toEqual(new Set([a, b]));
    const onlyB = await search({ query: 'ocelot', conversation_id: b });
    expect(onlyB.hits.map((h) => [h.conversation_id, h.seq])).toEqual([[b, 1]]);
  });

  it('roles keeps those roles', async () => {
    const r = await search({ query: 'ocelot', conversation_id: a, roles: ['assistant', 'tool'] });
    expect(r.hits.map((h) => h.seq).sort()).toEqual([2, 3, 4]);
    expect((await search({ query: 'ocelot', conversation_id: a, roles: ['system'] })).hits).toEqual([]);
    expect(await env.callError('search_messages', { query: 'ocelot', roles: ['robot'] })).toMatch(/roles/);
    expect(await env.callError('search_messages', { query: 'ocelot', roles: [] })).toMatch(/roles/);
  });

  it('after and before are exclusive bounds on created_at', async () => {
    const later = await search({ query: 'ocelot', conversation_id: a, after: firstAt });
    expect(later.hits.map((h) => h.seq).sort()).toEqual([3, 4]);
    const earlier = await search({ query: 'ocelot', conversation_id: a, before: firstAt });
    expect(earlier.hits).toEqual([]); // messages 1 and 2 were stored at exactly firstAt
    const upTo = await search({
      query: 'ocelot',
      conversation_id: a,
      before: new Date(Date.parse(firstAt) + 1).toISOString(),
    });
    expect(upTo.hits.map((h) => h.seq).sort()).toEqual([1, 2]);
    // A bare date is midnight UTC; an offset is honoured.
    expect((await search({ query: 'ocelot', conversation_id: a, after: '2000-01-01' })).hits).toHaveLength(4);
    expect((await search({ query: 'ocelot', conversation_id: a, before: '2000-01-01T05:00:00+05:00' })).hits).toEqual(
      [],
    );
  });

  it('refuses bad timestamps and an empty range, naming the field', async () => {
    expect(await env.callError('search_messages', { query: 'x', after: 'yesterday' })).toMatch(/after/);
    expect(await env.callError('search_messages', { query: 'x', before: '2025-02-30' })).toMatch(/before/);
    expect(await env.callError('search_messages', { query: 'x', after: '2025-02-01', before: '2025-01-01' })).toMatch(
      /before must be later than after/,
    );
  });

  it('an unknown conversation_id is not found', async () => {
    expect(await env.callError('search_messages', { query: 'ocelot', conversation_id: 'ghost' })).toMatch(
      /^conversation ghost not found:/,
    );
  });
});

describe('search_messages: paging', () => {
  let cid: string;
  beforeAll(async () => {
    cid = await conversation(
      'Paging',
      Array.from({ length: 25 }, (_, i) =>
        user(`platypus ${'note '.repeat(i % 5)}${i % 3 === 0 ? 'platypus' : ''} #${i}`),
      ),
    );
  });

  it('pages by cursor cover every hit exactly once, in the same order as one big page', async () => {
    const whole = await search({ query: 'platypus', conversation_id: cid, limit: 100 });
    expect(whole.hits).toHaveLength(25);
    expect(whole.next_cursor).toBeNull();
    const walked: SearchHitView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search({ query: 'platypus', conversation_id: cid, limit: 7, ...(cursor && { cursor }) });
      walked.push(...page.hits);
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(4);
    expect(walked.map((h) => h.message_id)).toEqual(whole.hits.map((h) => h.message_id));
  });

  it('defaults to 20 hits and caps limit at 100', async () => {
    const first = await search({ query: 'platypus', conversation_id: cid });
    expect(first.hits).toHaveLength(20);
    expect(first.next_cursor).not.toBeNull();
    expect(await env.callError('search_messages', { query: 'platypus', limit: 101 })).toMatch(/limit/);
  });

  it('refuses a cursor from another search, and garbage', async () => {
    const first = await search({ query: 'platypus', conversation_id: cid, limit: 5 });
    expect(
      await env.callError('search_messages', {
        query: 'platypus note',
        conversation_id: cid,
        cursor: first.next_cursor,
      }),
    ).toMatch(/cursor belongs to a different search/);
    expect(
      await env.callError('search_messages', {
        query: 'platypus',
        roles: ['user'],
        conversation_id: cid,
        cursor: first.next_cursor,
      }),
    ).toMatch(/cursor belongs to a different search/);
    expect(await env.callError('search_messages', { query: 'platypus', cursor: 'not-a-cursor' })).toMatch(
      /cursor is not valid/,
    );
  });
});

describe('search_messages: owner isolation', () => {
  it("never returns another owner's messages", async () => {
    const mine = await conversation('Mine', [user('narwhal sighting, mine')]);
    const theirs = await conversation('Theirs', [user('narwhal sighting, theirs'), user('secret quasar')], other);
    const r = await search({ query: 'narwhal' });
    expect(r.hits.map((h) => h.conversation_id)).toEqual([mine]);
    expect((await search({ query: 'quasar' })).hits).toEqual([]);
    expect((await search({ query: 'narwhal' }, other)).hits.map((h) => h.conversation_id)).toEqual([theirs]);
  });

  it("another owner's conversation_id is reported exactly like a missing one", async () => {
    const theirs = await conversation('Theirs 2', [user('dugong')], other);
    const foreign = await env.callError('search_messages', { query: 'dugong', conversation_id: theirs });
    const missing = await env.callError('search_messages', { query: 'dugong', conversation_id: 'missing-id' });
    expect(foreign).toBe(missing.replaceAll('missing-id', theirs));
  });
});

describe('search_messages: the index follows every write (triggers)', () => {
  it('append adds, delete_conversation (FK cascade) removes', async () => {
    const cid = await conversation('Lifecycle');
    expect((await search({ query: 'axolotl' })).hits).toEqual([]);
    await env.call('append_messages', {
      conversation_id: cid,
      messages: [user('an axolotl appears'), call('l-1', 'axolotl_lookup', '{}')],
    });
    expect((await search({ query: 'axolotl' })).hits.map((h) => h.seq).sort()).toEqual([1, 2]);
    await expectIndexInSync();
    await env.call('delete_conversation', { conversation_id: cid });
    expect((await search({ query: 'axolotl' })).hits).toEqual([]);
    await expectIndexInSync();
  });

  it('delete_messages (rewind), fork_conversation and import_conversation', async () => {
    const cid = await conversation('Branches', [
      user('capybara first'),
      user('capybara second'),
      user('capybara third'),
    ]);
    await env.call('delete_messages', { conversation_id: cid, from_seq: 2 });
    expect((await search({ query: 'capybara' })).hits.map((h) => h.seq)).toEqual([1]);
    const fork = (await env.call('fork_conversation', { conversation_id: cid })).conversation.id;
    const afterFork = await search({ query: 'capybara' });
    expect(new Set(afterFork.hits.map((h) => h.conversation_id))).toEqual(new Set([cid, fork]));
    await env.call('import_conversation', { format: 'openai', data: [{ role: 'user', content: 'imported capybara' }] });
    expect((await search({ query: 'capybara' })).hits).toHaveLength(3);
    await expectIndexInSync();
  });

  it('raw SQL writes too: content updates, tool-call changes, deletes', async () => {
    const cid = await conversation('Raw', [user('tapir'), call('r-1', 'zebu_tool', '{"n":1}')]);
    const db = env.database.db;
    await db.$executeRaw`UPDATE messages SET content = 'okapi now' WHERE conversation_id = ${cid} AND seq = 1`;
    expect((await search({ query: 'tapir', conversation_id: cid })).hits).toEqual([]);
    expect((await search({ query: 'okapi', conversation_id: cid })).hits.map((h) => h.seq)).toEqual([1]);
    await db.$executeRaw`UPDATE tool_calls SET name = 'yak_tool' WHERE conversation_id = ${cid}`;
    expect((await search({ query: 'zebu_tool', conversation_id: cid })).hits).toEqual([]);
    expect((await search({ query: 'yak_tool', conversation_id: cid })).hits.map((h) => h.seq)).toEqual([2]);
    await db.$executeRaw`DELETE FROM tool_calls WHERE conversation_id = ${cid}`;
    expect((await search({ query: 'yak_tool', conversation_id: cid })).hits).toEqual([]);
    await db.$executeRaw`DELETE FROM messages WHERE conversation_id = ${cid}`;
    expect((await search({ query: 'okapi' })).hits).toEqual([]);
    await expectIndexInSync();
  });

  // SQLite's search came in a later migration than its tables; PostgreSQL's starts with them.
  it.skipIf(testBackend() !== 'sqlite')('the migration indexes messages stored before it', async () => {
    const tmp = tempDir();
    try {
      // A database at the first migration only, with data in it.
      const onlyInit = join(tmp.dir, 'migrations');
      mkdirSync(onlyInit);
      cpSync(join(sqliteMigrationsDir(), '20261122000000_init'), join(onlyInit, '20261122000000_init'), {
        recursive: true,
      });
      const path = join(tmp.dir, 'old.db');
      const conn = await new PrismaBetterSqlite3({ url: `file:${path}` }).connect();
      await applyMigrations(conn, onlyInit, silentLogger);
      await conn.executeScript(`
        INSERT INTO conversations (id, owner, message_count, created_at, updated_at)
          VALUES ('old-c', 'local', 2, '2025-01-01T00:00:00.000+00:00', '2025-01-01T00:00:00.000+00:00');
        INSERT INTO messages (id, conversation_id, seq, role, content, created_at)
          VALUES ('old-1', 'old-c', 1, 'user', 'an ancient pangolin', '2025-01-01T00:00:00.000+00:00'),
                 ('old-2', 'old-c', 2, 'assistant', NULL, '2025-01-01T00:00:00.000+00:00');
        INSERT INTO tool_calls (conversation_id, call_id, message_id, position, type, name, arguments)
          VALUES ('old-c', 'k1', 'old-2', 0, 'function', 'dig', '{"for":"pangolin"}'),
                 ('old-c', 'k2', 'old-2', 1, 'function', 'bury', '{"what":"bone"}');`);
      await conn.dispose();

      const upgraded = await openTestDatabase(path); // applies the rest, search included
      const api = await connect(upgraded);
      try {
        const r = await api.call<SearchResultView>('search_messages', { query: 'pangolin' });
        expect(r.hits.map((h) => [h.message_id, h.seq])).toEqual([
          ['old-1', 1],
          ['old-2', 2],
        ]);
        expect(
          (await api.call<SearchResultView>('search_messages', { query: 'bury bone' })).hits.map((h) => h.message_id),
        ).toEqual(['old-2']);
        await expectIndexInSync(upgraded);
      } finally {
        await api.close();
        await upgraded.close();
      }
    } finally {
      tmp.cleanup();
    }
  });
});

describe('search_messages: anything a person can type is a query', () => {
  const SEEDED =
    `Robert'); DROP TABLE messages; -- said the "quoted" C:\\temp\\file.txt content:foo NEAR(a b) AND OR NOT ^start ` +
    `100% _under_ 😀 emoji café -minus foo-bar 日本語のテキスト`;
  const HOSTILE: string[] = [
    '"',
    '""',
    '"""',
    '"unbalanced',
    'unbalanced"',
    '"foo" "bar',
    '(',
    ')',
    '((foo)',
    'foo)',
    ')(*&^%$#@!',
    '*',
    '**',
    'foo*bar',
    '-',
    '-foo',
    'foo -bar',
    '+foo',
    'NEAR',
    'NEAR(foo bar, 2)',
    'foo NEAR bar',
    'foo NEAR/3 bar',
    'AND',
    'OR',
    'NOT',
    'foo AND',
    'OR foo',
    'foo NOT bar',
    'foo OR bar AND NOT baz',
    'content:foo',
    'calls:foo',
    '{content calls}: foo',
    ':',
    'foo:',
    '^foo',
    'foo^',
    "'; DROP TABLE messages; --",
    "Robert'); DROP TABLE messages;--",
    '1 OR 1=1',
    "' OR ''='",
    '$1 ? ?1 :name @p',
    '😀',
    '👍🏽 great',
    '\\',
    '\\\\"',
    '%',
    '_',
    "''",
    '[]{}<>',
    'a\u0000b',
    '\tfoo\r\n',
    '\u202Eevil',
    'cafe\u0301',
    '日本語',
    'x'.repeat(1000),
    'word '.repeat(200),
    'a '.repeat(500),
    '" '.repeat(500),
    '(('.repeat(500),
  ];

  let cid: string;
  beforeAll(async () => {
    cid = await conversation('Hostile', [user(SEEDED)]);
  });

  it(`${HOSTILE.length} hostile queries each give a normal result, and the data is intact`, async () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
    const [before] = await env.database.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM messages`;
    for (const query of HOSTILE) {
      for (const args of [{ query }, { query, conversation_id: cid, roles: ['user'] }]) {
        const result = await env.callRaw('search_messages', args);
        expect(result.isError, `${JSON.stringify(query)}: ${JSON.stringify(result.content)}`).toBeFalsy();
        const r = result.structuredContent as unknown as SearchResultView;
        expect(Array.isArray(r.hits) && Array.isArray(r.terms), JSON.stringify(query)).toBe(true);
      }
    }
    const [after] = await env.database.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM messages`;
    expect(after!.n).toBe(before!.n);
    expect((await search({ query: 'robert', conversation_id: cid })).hits).toHaveLength(1);
    await expectIndexInSync();
  });

  it('operators and SQL are searched as plain words', async () => {
    const found = async (query: string) => (await search({ query, conversation_id: cid })).hits.length;
    expect(await found("'; DROP TABLE messages; --")).toBe(1);
    expect(await found('content:foo')).toBe(1); // "content foo", adjacent
    expect(await found('foo-bar')).toBe(1);
    expect(await found('AND OR NOT')).toBe(1); // the words themselves
    expect(await found('-minus')).toBe(1); // not a negation
    expect(await found('NOT robert')).toBe(1);
    expect(await found('robert NOT')).toBe(1);
    expect(await found('robert OR nonexistentword')).toBe(0); // OR is a word, and all words must occur
    expect(await found('cafe 日本語のテ')).toBe(1);
  });

  it('a query with nothing searchable returns no hits and says so', async () => {
    const r = await search({ query: '😀 %%% ***' });
    expect(r).toEqual({ terms: [], hits: [], next_cursor: null });
  });

  it('refuses an empty, blank or over-long query, naming query', async () => {
    for (const query of ['', ' ', '\t\n  ']) {
      expect(await env.callError('search_messages', { query })).toMatch(/must not be empty or only whitespace.*query/s);
    }
    expect(await env.callError('search_messages', { query: 'x'.repeat(1001) })).toMatch(
      /at most 1000 characters.*query/s,
    );
    expect(await env.callError('search_messages', { query: 'bad \uD800 surrogate' })).toMatch(/query/);
    expect(await env.callError('search_messages', {})).toMatch(/query/);
  });
});

describe('list_conversations: query filter', () => {
  const titles = (r: { conversations: Array<{ title: string | null; key: string | null }> }) =>
    r.conversations.map((c) => c.title ?? c.key ?? '(untitled, no key)');

  beforeAll(async () => {
    for (const title of [
      'Done 100% of it',
      'Done 100 of it',
      'the snake_case name',
      'the snakeXcase name',
      'back\\slash',
      'backslash',
      'Mixed CASE Title',
    ]) {
      await env.call('create_conversation', { title });
    }
    await env.call('create_conversation', { key: 'KeyOnly-123' });
    await other.call('create_conversation', { title: 'Mixed case title of another owner' });
  });

  it('matches a case-insensitive substring of the title or the key', async () => {
    expect(titles(await env.call('list_conversations', { query: 'case title' }))).toEqual(['Mixed CASE Title']);
    expect(titles(await env.call('list_conversations', { query: 'keyonly-1' }))).toEqual(['KeyOnly-123']);
    expect(titles(await env.call('list_conversations', { query: 'no such title anywhere' }))).toEqual([]);
  });

  it('treats %, _ and \\ literally', async () => {
    expect(titles(await env.call('list_conversations', { query: '%' }))).toEqual(['Done 100% of it']);
    expect(titles(await env.call('list_conversations', { query: '100%' }))).toEqual(['Done 100% of it']);
    expect(titles(await env.call('list_conversations', { query: 'snake_case' }))).toEqual(['the snake_case name']);
    expect(titles(await env.call('list_conversations', { query: '\\' }))).toEqual(['back\\slash']);
  });

  it('pages with the filter: every match exactly once, most recent first', async () => {
    for (let i = 1; i <= 7; i++) await env.call('create_conversation', { title: `Paged ${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await env.call('list_conversations', { query: 'paged', limit: 3, ...(cursor && { cursor }) });
      seen.push(...titles(page));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['Paged 7', 'Paged 6', 'Paged 5', 'Paged 4', 'Paged 3', 'Paged 2', 'Paged 1']);
  });

  it('refuses an empty query', async () => {
    expect(await env.callError('list_conversations', { query: '' })).toMatch(/query/);
  });
});
