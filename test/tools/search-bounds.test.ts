import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_BOUNDS } from '../../src/history/search/query.js';
import { setup } from '../support/harness.js';
import { expectIndexInSync } from '../support/search-index.js';

/**
 * What bounds the cost of a search and of keeping its index: repeated words are searched
 * once, a query asks for at most so many words and prefixes, snippets stay short whatever a
 * message holds, and a message's tool calls are indexed in one pass (checked here by result:
 * the index holds every call; the time is measured by `npm run test:hostile`).
 */
type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.close());

const search = (query: string, extra: Record<string, unknown> = {}) => env.call('search_messages', { query, ...extra });
async function conversation(messages: unknown[]): Promise<string> {
  const id = (await env.call('create_conversation', {})).conversation.id as string;
  await env.call('append_messages', { conversation_id: id, messages });
  return id;
}

describe('search_messages: bounded queries', () => {
  let cid: string;
  beforeAll(async () => {
    cid = await conversation([
      { role: 'user', content: 'Deploy the cluster with kubernetes tomorrow. q q q q' },
      // 2,000 characters: PostgreSQL does not index words over 2,047 bytes (SQLite indexes any).
      { role: 'user', content: `zq${'x'.repeat(2_000)} and then a short tail` },
    ]);
  });

  it('searches a repeated word once', async () => {
    const r = await search(`${'q '.repeat(499)}q*`, { conversation_id: cid });
    expect(r.terms).toEqual(['q']); // the one-letter "prefix" is searched as the word
    expect(r.hits).toHaveLength(1);
    expect((await search('deploy Deploy DEPLOY déploy', { conversation_id: cid })).terms).toEqual(['deploy']);
  });

  it('drops a prefix that another word already implies', async () => {
    const r = await search('kube* kubernetes', { conversation_id: cid });
    expect(r.terms).toEqual(['kubernetes*']); // the last word is a prefix too
    expect((await search('kube* kubernetes tomorrow', { conversation_id: cid })).terms).toEqual([
      'kubernetes',
      'tomorrow*',
    ]);
    expect(r.hits).toHaveLength(1);
  });

  it('refuses more distinct words, words in all, or prefixes than it searches, naming query', async () => {
    const words = (n: number, suffix = '') => Array.from({ length: n }, (_, i) => `w${i}x${suffix}`).join(' ');
    expect(await env.callError('search_messages', { query: words(QUERY_BOUNDS.parts + 1) })).toMatch(
      new RegExp(`query has ${QUERY_BOUNDS.parts + 1} different words and phrases; at most ${QUERY_BOUNDS.parts}`),
    );
    expect(await env.callError('search_messages', { query: `"${words(QUERY_BOUNDS.words + 1)}"` })).toMatch(
      /query has 33 words in all; at most 32/,
    );
    expect(await env.callError('search_messages', { query: words(QUERY_BOUNDS.prefixes + 1, '*') })).toMatch(
      /query has 5 prefix terms/,
    );
    // At the bounds, a query is searched.
    expect((await search(words(QUERY_BOUNDS.parts))).terms).toHaveLength(QUERY_BOUNDS.parts);
  });

  it('keeps a snippet short when the matched word is one long run', async () => {
    const r = await search('zq', { conversation_id: cid });
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0].snippet.length).toBeLessThan(400);
    expect(r.hits[0].snippet).toMatch(/^«zqx+…» and then a short tail$/);
  });
});

describe('search index upkeep', () => {
  it('indexes every one of 128 tool calls of a message, and forgets them on rewind', async () => {
    const calls = Array.from({ length: 128 }, (_, j) => ({
      id: `c${j}`,
      type: 'function',
      function: { name: `tool${j}`, arguments: JSON.stringify({ word: `needle${j}` }) },
    }));
    const id = await conversation([{ role: 'assistant', content: null, tool_calls: calls }]);
    for (const j of [0, 1, 64, 127]) expect((await search(`needle${j}`, { conversation_id: id })).hits).toHaveLength(1);
    expect((await search('tool0 tool127', { conversation_id: id })).hits).toHaveLength(1);
    await expectIndexInSync(env.database);
    await env.call('delete_messages', { conversation_id: id, from_seq: 1 });
    expect((await search('needle64', { conversation_id: id })).hits).toHaveLength(0);
    await expectIndexInSync(env.database);
  });

  it('a fork gets its own copy of the calls in the index', async () => {
    const calls = Array.from({ length: 5 }, (_, j) => ({
      id: `f${j}`,
      type: 'function',
      function: { name: 'f', arguments: `{"k":"forkneedle${j}"}` },
    }));
    const id = await conversation([{ role: 'assistant', content: null, tool_calls: calls }]);
    const fork = (await env.call('fork_conversation', { conversation_id: id })).conversation.id;
    expect((await search('forkneedle4', { conversation_id: fork })).hits).toHaveLength(1);
    await expectIndexInSync(env.database);
  });
});
