import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { TOOLS } from '../../src/mcp/tools/index.js';
import { TOOLSET_NAMES, type ToolsetName } from '../../src/mcp/toolsets.js';
import { type Connected, connect, freshDatabase } from '../support/harness.js';

/**
 * --toolsets (and --read-only) decide which tools a server offers; everything else the model
 * reads — tool descriptions, the server's instructions, prompts, resource texts — must then
 * never send it to a tool it does not have.
 */
const ALL = TOOLS.map((t) => t.name);

let database: Database;
let conversationId: string;
beforeAll(async () => {
  database = await freshDatabase();
  const env = await connect(database);
  const { conversation } = await env.call('create_conversation', { key: 'toolsets' });
  conversationId = conversation.id;
  // Longer than one export page (about 80 KB), so the transcript resource has a "continued" note.
  const big = 'memory '.repeat(6000);
  await env.call('append_messages', {
    conversation_id: conversationId,
    messages: Array.from({ length: 4 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${i} ${big}` })),
  });
  await env.close();
});
afterAll(() => database.close());

async function withServer<T>(
  options: { toolsets?: ToolsetName[]; readOnly?: boolean },
  fn: (env: Connected) => Promise<T>,
): Promise<T> {
  const env = await connect(database, options);
  try {
    return await fn(env);
  } finally {
    await env.close();
  }
}

/** Every text of the server a model may read, apart from tool results. */
async function modelFacingTexts(env: Connected): Promise<string[]> {
  const { tools } = await env.client.listTools();
  const { prompts } = await env.client.listPrompts();
  const texts = [env.client.getInstructions() ?? '', JSON.stringify(tools), JSON.stringify(prompts)];
  for (const prompt of prompts) {
    const got = await env.client.getPrompt({ name: prompt.name, arguments: { conversation_id: conversationId } });
    texts.push(JSON.stringify(got.messages));
  }
  const transcript = await env.client.readResource({ uri: `conversation://${conversationId}/transcript.md` });
  texts.push(JSON.stringify(transcript.contents));
  return texts;
}

describe('toolsets', () => {
  it('offer the named groups and presets, in the master order, intersected with read-only', async () => {
    const cases: [{ toolsets?: ToolsetName[]; readOnly?: boolean }, string[]][] = [
      [{}, ALL],
      [{ toolsets: ['all'] }, ALL],
      [{ toolsets: ['chat'] }, ['create_conversation', 'append_messages', 'get_context', 'set_summary']],
      [{ toolsets: ['chat'], readOnly: true }, ['get_context']],
      [{ toolsets: ['context', 'search'] }, ['search_messages', 'get_context', 'set_summary']],
      [
        { toolsets: ['chat', 'search'] },
        ['create_conversation', 'append_messages', 'search_messages', 'get_context', 'set_summary'],
      ],
      [{ toolsets: ['transfer'], readOnly: true }, ['export_conversation']],
      [{ toolsets: ['messages', 'all'] }, ALL],
    ];
    for (const [options, expected] of cases) {
      const names = await withServer(options, async (env) => (await env.client.listTools()).tools.map((t) => t.name));
      expect(names, JSON.stringify(options)).toEqual(expected);
    }
  });

  it('never mention a tool the server does not offer (descriptions, instructions, prompts, resources)', async () => {
    const selections: { toolsets: ToolsetName[]; readOnly: boolean }[] = TOOLSET_NAMES.flatMap((name) => [
      { toolsets: [name], readOnly: false },
      { toolsets: [name], readOnly: true },
    ]);
    for (const options of selections) {
      await withServer(options, async (env) => {
        const offered = new Set((await env.client.listTools()).tools.map((t) => t.name));
        const absent = ALL.filter((name) => !offered.has(name));
        const texts = (await modelFacingTexts(env)).join('\n');
        for (const name of absent) expect(texts, `${JSON.stringify(options)} mentions ${name}`).not.toContain(name);
      });
    }
  });

  it('adapt their pointers instead of dropping them: with every tool, each pointer is there', async () => {
    await withServer({}, async (env) => {
      const { tools } = await env.client.listTools();
      const search = tools.find((t) => t.name === 'search_messages')!;
      expect(search.description).toContain('get_history');
      expect(env.client.getInstructions()).toContain('set_summary');
      const { prompts } = await env.client.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(['resume_conversation', 'summarize_conversation']);
      const transcript = await env.client.readResource({ uri: `conversation://${conversationId}/transcript.md` });
      expect(JSON.stringify(transcript.contents)).toContain('call export_conversation with format');
    });
    await withServer({ toolsets: ['search'] }, async (env) => {
      const { prompts } = await env.client.listPrompts();
      // No set_summary to store a summary with: no summarize prompt.
      expect(prompts.map((p) => p.name)).toEqual(['resume_conversation']);
      const transcript = await env.client.readResource({ uri: `conversation://${conversationId}/transcript.md` });
      expect(JSON.stringify(transcript.contents)).toMatch(/Continued: this transcript shows messages 1–\d+ of/);
    });
  });

  it('refuse a call to a tool outside the set, and store nothing', async () => {
    await withServer({ toolsets: ['search'] }, async (env) => {
      const result = await env.callRaw('delete_conversation', { conversation_id: conversationId });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain('delete_conversation');
    });
    await withServer({}, async (env) => {
      expect((await env.call('get_conversation', { conversation_id: conversationId })).id).toBe(conversationId);
    });
  });
});
