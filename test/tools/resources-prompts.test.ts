import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connected, connect, setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
let id: string;

const TURNS = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Weather in Paris?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'w1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
  },
  { role: 'tool', tool_call_id: 'w1', content: '18 °C, clear' },
  { role: 'assistant', content: 'It is 18 °C and clear.' },
];

beforeAll(async () => {
  env = await setup();
  id = (await env.call('create_conversation', { title: 'Weather', key: 'weather' })).conversation.id;
  await env.call('append_messages', { conversation_id: id, messages: TURNS });
});
afterAll(() => env.close());

const textOf = (contents: ReadonlyArray<object>) => String((contents[0] as { text?: unknown } | undefined)?.text);

describe('resources', () => {
  it('offers the two templates', async () => {
    const { resourceTemplates } = await env.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'conversation://{id}',
      'conversation://{id}/transcript.md',
    ]);
  });

  it('reads a conversation as JSON with its latest messages', async () => {
    const { contents } = await env.client.readResource({ uri: `conversation://${id}` });
    expect(contents[0]).toMatchObject({ uri: `conversation://${id}`, mimeType: 'application/json' });
    const body = JSON.parse(textOf(contents));
    expect(body.conversation).toMatchObject({ id, title: 'Weather', message_count: 5 });
    expect(body.messages.map((m: { content: string | null }) => m.content)).toEqual(TURNS.map((t) => t.content));
    expect(body.has_more_before).toBe(false);
  });

  it('reads a Markdown transcript with every message in order', async () => {
    const { contents } = await env.client.readResource({ uri: `conversation://${id}/transcript.md` });
    expect(contents[0]!.mimeType).toBe('text/markdown');
    const md = textOf(contents);
    const positions = [
      'You are terse.',
      'Weather in Paris?',
      '"city": "Paris"',
      '18 °C, clear',
      'It is 18 °C and clear.',
    ].map((s) => md.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('lists conversations by recent activity, paged with nextCursor', async () => {
    const fresh = await setup();
    try {
      for (let i = 0; i < 55; i++) await fresh.call('create_conversation', { title: `c${i}` });
      const first = await fresh.client.listResources();
      expect(first.resources).toHaveLength(50);
      expect(first.resources[0]!.name).toBe('c54');
      expect(first.nextCursor).toBeTruthy();
      const second = await fresh.client.listResources({ cursor: first.nextCursor });
      expect(second.resources.map((r) => r.name)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
      expect(second.nextCursor).toBeUndefined();
      expect(second.resources[0]!.uri).toMatch(/^conversation:\/\/[0-9a-f-]{36}$/);
    } finally {
      await fresh.close();
    }
  });

  it("completes ids from the owner's conversations only, matching the prefix literally", async () => {
    const ref = { type: 'ref/resource' as const, uri: 'conversation://{id}' };
    const all = await env.client.complete({ ref, argument: { name: 'id', value: id.slice(0, 8) } });
    expect(all.completion.values).toContain(id);
    const none = await env.client.complete({ ref, argument: { name: 'id', value: '%' } });
    expect(none.completion.values).toEqual([]);
  });

  it("treats another owner's conversation exactly like a missing one", async () => {
    const other: Connected = await connect(env.database, { owner: 'someone-else' });
    try {
      for (const uri of [`conversation://${id}`, `conversation://${id}/transcript.md`]) {
        const theirs = await other.client.readResource({ uri }).catch((e: Error & { code?: number }) => e);
        const missing = await other.client
          .readResource({ uri: uri.replace(id, 'missing-id') })
          .catch((e: Error & { code?: number }) => e);
        expect(theirs).toBeInstanceOf(Error);
        expect((theirs as { code?: number }).code).toBe(-32002);
        expect((theirs as Error).message.replace(id, 'X')).toBe((missing as Error).message.replace('missing-id', 'X'));
      }
      expect((await other.client.listResources()).resources).toEqual([]);
      const completion = await other.client.complete({
        ref: { type: 'ref/resource', uri: 'conversation://{id}' },
        argument: { name: 'id', value: '' },
      });
      expect(completion.completion.values).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('prompts', () => {
  it('lists resume_conversation and summarize_conversation', async () => {
    const { prompts } = await env.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['resume_conversation', 'summarize_conversation']);
  });

  it('resume_conversation gives the context window as prompt messages', async () => {
    const prompt = await env.client.getPrompt({
      name: 'resume_conversation',
      arguments: { conversation_id: id, max_tokens: '4000' },
    });
    const texts = prompt.messages.map((m) => `${m.role}: ${m.content.type === 'text' ? m.content.text : ''}`);
    expect(texts[0]).toMatch(/^user: Resuming conversation/);
    expect(texts.slice(1)).toEqual([
      'user: [system]\nYou are terse.',
      'user: Weather in Paris?',
      'assistant: [tool call w1] weather({"city":"Paris"})',
      'user: [tool result for w1]\n18 °C, clear',
      'assistant: It is 18 °C and clear.',
    ]);
  });

  it('summarize_conversation asks for set_summary over the transcript it shows', async () => {
    const prompt = await env.client.getPrompt({ name: 'summarize_conversation', arguments: { conversation_id: id } });
    const text = prompt.messages[0]!.content.type === 'text' ? prompt.messages[0]!.content.text : '';
    expect(text).toContain('set_summary');
    expect(text).toContain('through_seq 5');
    expect(text).toContain('It is 18 °C and clear.');
  });

  it('report an unknown conversation as an error, and refuse a bad max_tokens', async () => {
    await expect(
      env.client.getPrompt({ name: 'resume_conversation', arguments: { conversation_id: 'nope' } }),
    ).rejects.toThrow(/conversation nope not found/);
    await expect(
      env.client.getPrompt({ name: 'resume_conversation', arguments: { conversation_id: id, max_tokens: 'lots' } }),
    ).rejects.toThrow(/max_tokens/);
  });

  it('leaves summarize_conversation out in read-only mode (set_summary is not there)', async () => {
    const readOnly = await connect(env.database, { readOnly: true });
    try {
      expect((await readOnly.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['resume_conversation']);
    } finally {
      await readOnly.close();
    }
  });
});
