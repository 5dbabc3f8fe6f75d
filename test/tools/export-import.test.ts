import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationPageView } from '../../src/history/conversations/schemas.js';
import { FIXED_LIMITS } from '../../src/history/core/limits.js';
import type { HistoryPageView, MessageView } from '../../src/history/messages/schemas.js';
import {
  concatPages,
  type ExportFormat,
  type Rendered,
  renderConversation,
} from '../../src/history/transfer/formats/index.js';
import { connect, setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
/** A second, empty database: imports land where nothing else exists. */
let fresh: Env;
let id: string;

const ARGS_SPACED = '{ "city" :"Paris",\n "units":"metric" }';
const ARGS_RAW = 'not json at all';
const ARGS_AMBIGUOUS = '{"_raw":"looks wrapped"}';

/** One of everything: names, metadata, tool calls (JSON, spaced JSON, non-JSON), results, unicode. */
const MESSAGES = [
  { role: 'system', content: 'You are terse. ✓' },
  { role: 'user', content: 'Weather in Paris — and café hours?\n`code` ```fence```', name: 'Zoë' },
  {
    role: 'assistant',
    content: 'Checking both.',
    tool_calls: [
      { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: ARGS_SPACED } },
      { id: 'call_h', type: 'function', function: { name: 'cafe_hours', arguments: ARGS_RAW } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_w', content: '{"temp_c":18.5,"sky":"clear ☀"}' },
  { role: 'tool', tool_call_id: 'call_h', content: 'open 8–18 ```', metadata: { source: 'cache' } },
  { role: 'user', content: 'And tomorrow?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_t', type: 'function', function: { name: 'forecast', arguments: ARGS_AMBIGUOUS } }],
  },
  { role: 'tool', tool_call_id: 'call_t', content: 'rain' },
  { role: 'assistant', content: 'Rain tomorrow. 👩‍👩‍👧', metadata: { model: 'test-model', ключ: [1, null] } },
];

beforeAll(async () => {
  env = await setup();
  fresh = await setup();
  id = (await env.call('create_conversation', { title: 'Paris trip', key: 'trip-1', metadata: { channel: 'chat' } }))
    .conversation.id;
  await env.call('append_messages', { conversation_id: id, messages: MESSAGES });
});
afterAll(async () => {
  await env.close();
  await fresh.close();
});

/** Every page of an export, following next_cursor; checks each page against the budget. */
async function exportPages(client: Pick<Env, 'call'>, conversationId: string, format: ExportFormat) {
  const pages: any[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.call('export_conversation', {
      conversation_id: conversationId,
      format,
      ...(cursor && { cursor }),
    });
    pages.push(page);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}
const asRendered = (p: any): Rendered => (p.format === 'markdown' ? { text: p.text } : { data: p.data });
async function exportWhole(client: Pick<Env, 'call'>, conversationId: string, format: ExportFormat): Promise<any> {
  const whole = concatPages(format, (await exportPages(client, conversationId, format)).map(asRendered));
  return 'text' in whole ? whole.text : whole.data;
}
async function allMessages(client: Pick<Env, 'call'>, conversationId: string): Promise<MessageView[]> {
  return (
    await client.call<HistoryPageView>('get_history', { conversation_id: conversationId, after_seq: 0, limit: 500 })
  ).messages;
}
async function conversationCount(client: Pick<Env, 'call'>) {
  return (await client.call<ConversationPageView>('list_conversations', { limit: 100 })).conversations.length;
}

describe('export_conversation / import_conversation round trips', () => {
  it('json: export -> import -> export is identical, metadata, names and timestamps included', async () => {
    const first = await exportWhole(env, id, 'json');
    expect(first).toMatchObject({
      format: 'chat-history-mcp',
      version: 1,
      conversation: { title: 'Paris trip', key: 'trip-1', metadata: { channel: 'chat' } },
    });
    expect(first.messages).toHaveLength(MESSAGES.length);
    expect(first.messages[1]).toMatchObject({ name: 'Zoë' });
    expect(first.messages[4]).toMatchObject({ metadata: { source: 'cache' } });

    const imported = await fresh.call('import_conversation', { format: 'json', data: first });
    expect(imported).toMatchObject({ key: 'trip-1', title: 'Paris trip', message_count: MESSAGES.length });
    expect(imported.id).not.toBe(id);
    expect(await exportWhole(fresh, imported.id, 'json')).toEqual(first);
    // The stored messages are the original ones, byte for byte (ids and seqs are new / the same).
    const strip = (ms: MessageView[]) => ms.map(({ id: _id, ...m }) => m);
    expect(strip(await allMessages(fresh, imported.id))).toEqual(strip(await allMessages(env, id)));
  });

  it('openai: roles, content, names, tool calls (arguments byte for byte) and tool_call_id round-trip', async () => {
    const first = await exportWhole(env, id, 'openai');
    expect(first).toHaveLength(MESSAGES.length);
    expect(first[6]).toEqual({ role: 'assistant', content: null, tool_calls: MESSAGES[6]!.tool_calls });
    expect(first[2].tool_calls[0].function.arguments).toBe(ARGS_SPACED);
    expect(first[1]).toEqual({ role: 'user', content: MESSAGES[1]!.content, name: 'Zoë' });
    expect(first.some((m: object) => 'metadata' in m)).toBe(false);

    const imported = await env.call('import_conversation', { format: 'openai', data: first, title: 'from openai' });
    expect(imported).toMatchObject({ title: 'from openai', key: null, message_count: MESSAGES.length });
    expect(await exportWhole(env, imported.id, 'openai')).toEqual(first);
  });

  it('anthropic: system pulled out, tool_use/tool_result blocks, merged turns; arguments JSON-equivalent', async () => {
    const first = await exportWhole(env, id, 'anthropic');
    expect(first.system).toBe('You are terse. ✓');
    expect(first.messages.map((t: any) => t.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(first.messages[1].content).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Paris', units: 'metric' } },
      { type: 'tool_use', id: 'call_h', name: 'cafe_hours', input: { _raw: ARGS_RAW } },
    ]);
    // Both results, then the next user text, in ONE user turn.
    expect(first.messages[2].content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_w', content: MESSAGES[3]!.content },
      { type: 'tool_result', tool_use_id: 'call_h', content: 'open 8–18 ```' },
      { type: 'text', text: 'And tomorrow?' },
    ]);
    expect(first.messages[3].content[0]).toEqual({
      type: 'tool_use',
      id: 'call_t',
      name: 'forecast',
      input: { _raw: ARGS_AMBIGUOUS },
    });

    const imported = await env.call('import_conversation', { format: 'anthropic', data: first });
    expect(await exportWhole(env, imported.id, 'anthropic')).toEqual(first);
    const stored = await allMessages(env, imported.id);
    expect(stored.map((m) => m.role)).toEqual(MESSAGES.map((m) => m.role));
    const calls = stored.flatMap((m) => m.tool_calls ?? []).map((c) => c.function.arguments);
    // JSON-equivalent, not byte for byte; non-JSON (and _raw-lookalike) arguments exactly.
    expect(JSON.parse(calls[0]!)).toEqual(JSON.parse(ARGS_SPACED));
    expect(calls[0]).not.toBe(ARGS_SPACED);
    expect(calls[1]).toBe(ARGS_RAW);
    expect(calls[2]).toBe(ARGS_AMBIGUOUS);
  });

  it('anthropic import: system string first, tool_result content arrays, is_error kept as metadata', async () => {
    const data = {
      model: 'ignored',
      system: 'Sys',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'x1', name: 'f', input: { a: [1, 2] } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'x1', is_error: true, content: [{ type: 'text', text: 'boom' }] },
          ],
        },
      ],
    };
    const c = await env.call('import_conversation', { format: 'anthropic', data });
    const stored = await allMessages(env, c.id);
    expect(stored.map(({ id: _i, created_at: _c, seq: _s, ...m }) => m)).toEqual([
      { role: 'system', content: 'Sys' },
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'x1', type: 'function', function: { name: 'f', arguments: '{"a":[1,2]}' } }],
      },
      { role: 'tool', content: 'boom', tool_call_id: 'x1', metadata: { is_error: true } },
    ]);
    const again = await exportWhole(env, c.id, 'anthropic');
    expect(again.messages[2].content[0]).toEqual({
      type: 'tool_result',
      tool_use_id: 'x1',
      content: 'boom',
      is_error: true,
    });
  });

  it('markdown: every message in order, tool calls under the assistant turn, each result under its call', async () => {
    const md: string = await exportWhole(env, id, 'markdown');
    expect(md.startsWith('# Paris trip\n')).toBe(true);
    const at = (s: string, from = 0) => {
      const i = md.indexOf(s, from);
      expect(i, `markdown should contain ${JSON.stringify(s)} after ${from}`).toBeGreaterThanOrEqual(from);
      return i;
    };
    let pos = 0;
    for (const m of MESSAGES) if (m.content) pos = at(m.content, pos);
    const assistant = at('## Assistant\n\nChecking both.');
    const callW = at('### Tool call `get_weather` · `call_w`', assistant);
    expect(at('"city": "Paris"', callW)).toBeGreaterThan(callW); // pretty-printed arguments
    const resultW = at('#### Result', callW);
    expect(at('clear ☀', resultW)).toBeLessThan(at('### Tool call `cafe_hours` · `call_h`', callW));
    const callH = at('### Tool call `cafe_hours`', callW);
    expect(at(ARGS_RAW, callH)).toBeLessThan(at('open 8–18', callH)); // raw arguments, then the result
    expect(at('open 8–18', callH)).toBeLessThan(at('## User\n\nAnd tomorrow?'));
    expect(md).toContain('## User (Zoë)');
    expect(md).not.toContain('test-model'); // metadata is left out
    // A result containing ``` gets a longer fence, so it cannot end the block early.
    expect(md).toContain('````\nopen 8–18 ```\n````');
  });
});

describe('paging', () => {
  let bigId: string;
  const budget = FIXED_LIMITS.exportPageBytes;

  beforeAll(async () => {
    bigId = (await env.call('create_conversation', { title: 'long' })).conversation.id;
    // 1.5–4.5 KB, varying, so that the budget runs out at all kinds of places.
    const filler = (n: number) => `${n} ${'lorem ipsum ünïcode ✓ '.repeat(60 + ((n * 37) % 130))}`;
    for (let batch = 0; batch < 6; batch++) {
      const messages: unknown[] = [];
      for (let i = 0; i < 10; i++) {
        const n = batch * 10 + i;
        if (i % 5 === 2) {
          messages.push({
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: `c${n}`,
                type: 'function',
                function: { name: 'f', arguments: JSON.stringify({ n, pad: filler(n) }) },
              },
            ],
          });
          messages.push({ role: 'tool', tool_call_id: `c${n}`, content: filler(n) });
        } else {
          messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: filler(n) });
        }
      }
      await env.call('append_messages', { conversation_id: bigId, messages });
    }
  });

  for (const format of ['json', 'markdown', 'openai', 'anthropic'] as const) {
    it(`${format}: several pages, none over the budget, concatenating to the unpaged rendering`, async () => {
      const pages = await exportPages(env, bigId, format);
      expect(pages.length).toBeGreaterThan(2);
      for (const p of pages) {
        const bytes = Buffer.byteLength(format === 'markdown' ? p.text : JSON.stringify(p.data), 'utf8');
        expect(bytes).toBeLessThanOrEqual(budget);
        expect(p.first_seq).toBeLessThanOrEqual(p.last_seq);
      }
      // Pages are contiguous and cover the conversation.
      expect(pages.map((p) => p.first_seq)).toEqual([1, ...pages.slice(0, -1).map((p) => p.last_seq + 1)]);
      expect(pages.at(-1).last_seq).toBe(pages[0].message_count);

      const conversation = await env.call('get_conversation', { conversation_id: bigId });
      const unpaged = renderConversation(format, conversation, await allMessages(env, bigId));
      expect(concatPages(format, pages.map(asRendered))).toEqual(unpaged);
      // Pages end where nothing needs merging: for anthropic the next page starts with the
      // other role (plain concatenation is the whole); elsewhere a tool result stays with its call.
      if (format === 'anthropic') {
        expect(pages.flatMap((p) => p.data.messages)).toEqual((unpaged as { data: any }).data.messages);
      } else {
        for (const p of pages.slice(1)) {
          const history = await env.call('get_history', {
            conversation_id: bigId,
            after_seq: p.first_seq - 1,
            limit: 1,
          });
          expect(history.messages[0].role).not.toBe('tool');
        }
      }
    });
  }

  it('anthropic: where no clean break fits, the client merges the turns across the page boundary', async () => {
    const monologueId = (await env.call('create_conversation', {})).conversation.id;
    const long = (n: number) => `${n} ${'words '.repeat(5000)}`; // 30 KB each: one turn of many messages
    await env.call('append_messages', {
      conversation_id: monologueId,
      messages: [0, 1, 2, 3, 4, 5].map((n) => ({ role: 'user', content: long(n) })),
    });
    const pages = await exportPages(env, monologueId, 'anthropic');
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(Buffer.byteLength(JSON.stringify(p.data))).toBeLessThanOrEqual(budget);
    const conversation = await env.call('get_conversation', { conversation_id: monologueId });
    const unpaged = renderConversation('anthropic', conversation, await allMessages(env, monologueId)) as { data: any };
    expect(unpaged.data.messages).toHaveLength(1);
    expect(concatPages('anthropic', pages.map(asRendered))).toEqual(unpaged);
  });

  it('a message larger than the budget gets a page of its own', async () => {
    const hugeId = (await env.call('create_conversation', {})).conversation.id;
    const huge = 'x'.repeat(budget + 10);
    await env.call('append_messages', {
      conversation_id: hugeId,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: huge },
        { role: 'user', content: 'b' },
      ],
    });
    const pages = await exportPages(env, hugeId, 'openai');
    expect(pages.map((p) => [p.first_seq, p.last_seq])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(pages[1].data[0].content).toBe(huge);
  });

  it('refuses a cursor from another export', async () => {
    const first = (await exportPages(env, bigId, 'json'))[0];
    expect(
      await env.callError('export_conversation', {
        conversation_id: bigId,
        format: 'openai',
        cursor: first.next_cursor,
      }),
    ).toMatch(/cursor is not valid for this export.*at cursor|^cursor is not valid for this export/);
    expect(
      await env.callError('export_conversation', { conversation_id: id, format: 'json', cursor: 'garbage' }),
    ).toMatch(/^cursor is not valid/);
  });

  it('an empty conversation exports one empty page', async () => {
    const emptyId = (await env.call('create_conversation', { title: 'nothing yet' })).conversation.id;
    const page = await env.call('export_conversation', { conversation_id: emptyId, format: 'markdown' });
    expect(page).toMatchObject({ first_seq: null, last_seq: null, message_count: 0, next_cursor: null });
    expect(page.text).toMatch(/^# nothing yet\n/);
    const json = await exportWhole(env, emptyId, 'json');
    const back = await fresh.call('import_conversation', { format: 'json', data: json, key: null });
    expect(back).toMatchObject({ title: 'nothing yet', message_count: 0 });
  });
});

describe('import validation: nothing is created on any error', () => {
  const call = (cid: string, args = '{}') => ({ id: cid, type: 'function', function: { name: 'f', arguments: args } });

  it('an orphan tool result (openai) names its path in data', async () => {
    const before = await conversationCount(fresh);
    const text = await fresh.callError('import_conversation', {
      format: 'openai',
      data: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [call('c1')] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        { role: 'tool', tool_call_id: 'c-unknown', content: 'orphan' },
      ],
      key: 'never-created',
    });
    expect(text).toMatch(/tool_call_id "c-unknown" does not answer any tool call.* at data\[3\]\.tool_call_id/s);
    expect(await conversationCount(fresh)).toBe(before);
  });

  it('a result before its call, and a repeated call id, are refused as in append', async () => {
    const text = await fresh.callError('import_conversation', {
      format: 'openai',
      data: {
        model: 'x',
        messages: [
          { role: 'tool', tool_call_id: 'c1', content: 'early' },
          { role: 'assistant', content: null, tool_calls: [call('c1'), call('c1')] },
        ],
      },
    });
    expect(text).toMatch(/repeats one already used.* at data\.messages\[1\]\.tool_calls\[1\]\.id/);
    expect(text).toMatch(/answers a call made later.* at data\.messages\[0\]\.tool_call_id/);
  });

  it('an orphan tool_result (anthropic) names the block', async () => {
    const before = await conversationCount(fresh);
    const text = await fresh.callError('import_conversation', {
      format: 'anthropic',
      data: {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'ghost', content: 'x' }] },
        ],
      },
    });
    expect(text).toMatch(/does not answer any tool call.* at data\.messages\[2\]\.content\[0\]\.tool_use_id/s);
    expect(await conversationCount(fresh)).toBe(before);
  });

  it('message rules apply with json paths, and unsupported anthropic blocks are named', async () => {
    const json = await exportWhole(env, id, 'json');
    const broken = structuredClone(json);
    broken.messages[5].role = 'robot';
    expect(await fresh.callError('import_conversation', { format: 'json', data: broken, key: null })).toMatch(
      /at data\.messages\[5\]\.role/,
    );
    const noDate = structuredClone(json);
    noDate.messages[0].created_at = 'yesterday';
    expect(await fresh.callError('import_conversation', { format: 'json', data: noDate, key: null })).toMatch(
      /at data\.messages\[0\]\.created_at/,
    );
    expect(
      await fresh.callError('import_conversation', {
        format: 'anthropic',
        data: { messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: '…' }] }] },
      }),
    ).toMatch(/block type "thinking" cannot be imported.* at data\.messages\[0\]\.content\[0\]\.type/);
    expect(await fresh.callError('import_conversation', { format: 'openai', data: 'nope' })).toMatch(/at data$/m);
    // A rule on a converted field names the anthropic field it came from.
    const longId = 'x'.repeat(201);
    expect(
      await fresh.callError('import_conversation', {
        format: 'anthropic',
        data: {
          messages: [
            { role: 'user', content: 'q' },
            {
              role: 'assistant',
              content: [
                { type: 'text', text: 'a' },
                { type: 'tool_use', id: longId, name: '', input: {} },
              ],
            },
          ],
        },
      }),
    ).toMatch(
      /at most 200 characters at data\.messages\[1\]\.content\[1\]\.id\n.*not be empty at data\.messages\[1\]\.content\[1\]\.name/,
    );
  });

  it('unknown fields are refused at every level, a "__proto__" key included', async () => {
    const data = JSON.parse('[{"role":"user","content":"x","__proto__":{"role":"system"}}]');
    expect(await fresh.callError('import_conversation', { format: 'openai', data })).toMatch(
      /Unrecognized key: "__proto__" at data\[0\]/,
    );
    expect(
      await fresh.callError('import_conversation', {
        format: 'openai',
        data: [{ role: 'user', content: 'x', colour: 'red' }],
      }),
    ).toMatch(/Unrecognized key: "colour" at data\[0\]/);
  });

  it('a key already in use is a conflict naming key; import never merges', async () => {
    const json = await exportWhole(env, id, 'json');
    const before = await conversationCount(env);
    const text = await env.callError('import_conversation', { format: 'json', data: json });
    expect(text).toBe(
      `key "trip-1" is already used by conversation ${id}; import never merges: pass another key, or key: null to import without one`,
    );
    expect(
      await env.callError('import_conversation', {
        format: 'openai',
        data: [{ role: 'user', content: 'x' }],
        key: 'trip-1',
      }),
    ).toMatch(/^key "trip-1"/);
    expect(await conversationCount(env)).toBe(before);
    expect((await env.call('get_conversation', { conversation_id: id })).message_count).toBe(MESSAGES.length);
    // With another key it is a new conversation.
    expect(await env.call('import_conversation', { format: 'json', data: json, key: 'trip-1-copy' })).toMatchObject({
      key: 'trip-1-copy',
    });
  });

  it('bounds: the per-call message cap does not apply, the import cap does', async () => {
    const small = await setup({ limits: { maxMessagesPerCall: 2, maxBatchBytes: 100 } });
    try {
      const three = [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ];
      expect(await small.call('import_conversation', { format: 'openai', data: three })).toMatchObject({
        message_count: 3,
      });
      const tooBig = [{ role: 'user', content: 'x'.repeat(100 * FIXED_LIMITS.importBatchFactor + 1) }];
      expect(await small.callError('import_conversation', { format: 'openai', data: tooBig })).toMatch(
        /one import takes at most 1600 \(16 × server option --max-batch-bytes\) at data/,
      );
      const tooMany = Array.from({ length: FIXED_LIMITS.importMessagesMax + 1 }, () => ({
        role: 'user',
        content: 'x',
      }));
      expect(await small.callError('import_conversation', { format: 'openai', data: tooMany })).toMatch(
        /at most 10000 per import at data/,
      );
    } finally {
      await small.close();
    }
  });
});

describe('isolation', () => {
  it("another owner's conversation cannot be exported: it is not found", async () => {
    const other = await connect(env.database, { owner: 'mallory' });
    try {
      const missing = '01a20000-0000-7000-8000-000000000000';
      const onTheirs = await other.callError('export_conversation', { conversation_id: id, format: 'json' });
      const onMissing = await other.callError('export_conversation', { conversation_id: missing, format: 'json' });
      expect(onTheirs).toMatch(new RegExp(`^conversation ${id} not found:`));
      expect(onTheirs.replace(id, 'ID')).toBe(onMissing.replace(missing, 'ID'));
      // Keys are per owner: importing under an existing key of someone else is fine.
      const json = await exportWhole(env, id, 'json');
      expect(await other.call('import_conversation', { format: 'json', data: json })).toMatchObject({ key: 'trip-1' });
    } finally {
      await other.close();
    }
  });
});
