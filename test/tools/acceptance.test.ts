import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshTarget, freshTarget } from '../support/backend.js';
import { connect, openTarget } from '../support/harness.js';

/** The seed's acceptance criteria, literally, through a real MCP client on a real database (SQLite file or PostgreSQL). */
let fresh: FreshTarget;
beforeAll(async () => {
  fresh = await freshTarget();
});
afterAll(() => fresh.drop());

/** Start a "server" on the file, use it, stop it — as a process restart would. */
async function session<T>(fn: (api: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const database = await openTarget(fresh.target);
  const api = await connect(database);
  try {
    return await fn(api);
  } finally {
    await api.close();
    await database.close();
  }
}

const MIXED = [
  { role: 'system', content: 'You are a helpful assistant. Answer in «French» when asked.' },
  { role: 'user', content: 'Émojis 👩‍💻🚀🇫🇷, CJK 漢字かな, RTL שלום, math ∑∫√, zero-width\u200bspace' },
  {
    role: 'user',
    content:
      'Line one\nLine two\r\n\tindented\n\n"quotes" \'single\' `back` \\ backslash $ {brace} </script> %s \u0007bell',
  },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      {
        id: 'call_weather_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' },
      },
      {
        id: 'call_time_2',
        type: 'function',
        function: { name: 'get_time', arguments: '{ "tz" : "Europe/Paris" ,\n  "fmt":"24h"}' },
      },
    ],
  },
  { role: 'tool', tool_call_id: 'call_weather_1', name: 'get_weather', content: '{"temp": 21.5, "sky": "☀️"}' },
  { role: 'tool', tool_call_id: 'call_time_2', content: '14:03' },
  {
    role: 'assistant',
    content: 'Il fait 21,5 °C ☀️ et il est 14 h 03.',
    metadata: { model: 'gpt-x', usage: { in: 120, out: 14 } },
  },
  { role: 'user', content: 'x'.repeat(100_000) },
];

describe('acceptance', () => {
  let firstId = '';
  let secondId = '';
  let firstReading: unknown;

  it('(1) creates a conversation, adds messages, retrieves them later', async () => {
    firstReading = await session(async (api) => {
      firstId = (await api.call('create_conversation', { title: 'Weather chat', key: 'chat-1' })).conversation.id;
      await api.call('append_messages', { conversation_id: firstId, messages: MIXED.slice(0, 3) });
      await api.call('append_messages', { conversation_id: firstId, messages: MIXED.slice(3) });
      return api.call('get_history', { conversation_id: firstId });
    });
    expect((firstReading as { messages: unknown[] }).messages).toHaveLength(MIXED.length);
  });

  it('(4) mixed message types keep their roles and content intact', () => {
    const messages = (firstReading as { messages: Array<Record<string, unknown>> }).messages;
    messages.forEach((m, i) => {
      const sent = MIXED[i]!;
      expect(m.seq).toBe(i + 1);
      expect(m.role).toBe(sent.role);
      expect(m.content).toBe(sent.content);
      expect(m.tool_calls).toEqual(sent.tool_calls);
      expect(m.tool_call_id).toBe(sent.tool_call_id);
      expect(m.name).toBe(sent.name);
      expect(m.metadata).toEqual(sent.metadata);
    });
    // Byte-for-byte, not merely equal after JSON normalisation.
    const args = (messages[3]!.tool_calls as Array<{ function: { arguments: string } }>)[1]!.function.arguments;
    expect(Buffer.from(args)).toEqual(Buffer.from('{ "tz" : "Europe/Paris" ,\n  "fmt":"24h"}'));
  });

  it('(3) several conversations keep separate histories', async () => {
    await session(async (api) => {
      secondId = (await api.call('create_conversation', { title: 'Groceries' })).conversation.id;
      await api.call('append_messages', {
        conversation_id: secondId,
        messages: [{ role: 'user', content: 'milk, eggs' }],
      });
      const second = await api.call('get_history', { conversation_id: secondId });
      expect(second.messages.map((m: { content: string }) => m.content)).toEqual(['milk, eggs']);
      const first = await api.call('get_history', { conversation_id: firstId });
      expect(first.messages).toHaveLength(MIXED.length);
      expect(first.messages.some((m: { content: string }) => m.content === 'milk, eggs')).toBe(false);
    });
  });

  it('(2) after a restart, previous conversations are found with their messages', async () => {
    await session(async (api) => {
      const list = await api.call('list_conversations', {});
      expect(list.conversations.map((c: { id: string }) => c.id)).toEqual([secondId, firstId]);
      expect(await api.call('get_history', { conversation_id: firstId })).toEqual(firstReading);
      const again = await api.call('create_conversation', { key: 'chat-1' });
      expect(again).toMatchObject({ created: false, conversation: { id: firstId, message_count: MIXED.length } });
    });
  });
});
