import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TOOLS } from '../../src/mcp/tools/index.js';
import { setup } from '../support/harness.js';

type Env = Awaited<ReturnType<typeof setup>>;
let env: Env;
beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.close());

describe('tool surface', () => {
  it('matches the reviewed snapshot (every schema change shows up as a diff)', async () => {
    const { tools } = await env.client.listTools();
    await expect(JSON.stringify(tools, null, 2)).toMatchFileSnapshot('../__snapshots__/tools.json');
  });

  it('matches the reviewed snapshot of the full result schemas (tools/list publishes them compact)', async () => {
    // The contract behind the compact published form: descriptions and required fields, as the
    // server checks every result before sending it; docs/tools.md documents results from this.
    const results = TOOLS.map((t) => ({
      name: t.name,
      outputSchema: z.toJSONSchema(t.outputSchema, { target: 'draft-7' }),
    }));
    await expect(JSON.stringify(results, null, 2)).toMatchFileSnapshot('../__snapshots__/tool-results.json');
  });

  it('every tool follows the conventions: title, described inputs, output schema, all four annotations', async () => {
    const { tools } = await env.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'create_conversation',
      'get_conversation',
      'list_conversations',
      'update_conversation',
      'delete_conversation',
      'restore_conversation',
      'fork_conversation',
      'append_messages',
      'get_history',
      'delete_messages',
      'search_messages',
      'get_context',
      'set_summary',
      'export_conversation',
      'import_conversation',
      'list_audit_events',
      'get_usage',
    ]);
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[a-z]+(_[a-z]+)+$/);
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description!.length, tool.name).toBeGreaterThan(40);
      expect(tool.outputSchema, tool.name).toBeDefined();
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
      const a = tool.annotations!;
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect(typeof a[hint], `${tool.name}.${hint}`).toBe('boolean');
      }
      expect(a.openWorldHint).toBe(false);
    }
    const destructive = tools.filter((t) => t.annotations?.destructiveHint).map((t) => t.name);
    expect(destructive).toEqual(['delete_conversation', 'delete_messages']);
    const readOnly = tools.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name);
    expect(readOnly).toEqual([
      'get_conversation',
      'list_conversations',
      'get_history',
      'search_messages',
      'get_context',
      'export_conversation',
      'list_audit_events',
      'get_usage',
    ]);
  });

  it('answers with both structuredContent and a text rendering carrying the content', async () => {
    const { conversation } = await env.call('create_conversation', { title: 'Rendering' });
    await env.call('append_messages', {
      conversation_id: conversation.id,
      messages: [
        { role: 'user', content: 'What is the weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'w1', type: 'function', function: { name: 'weather', arguments: '{"q":1}' } }],
        },
      ],
    });
    const result = await env.callRaw('get_history', { conversation_id: conversation.id });
    expect(result.structuredContent).toBeDefined();
    const text = result.content[0]!.type === 'text' ? result.content[0]!.text : '';
    expect(text).toContain('What is the weather?');
    expect(text).toContain('weather({"q":1})');
  });
});

describe('internal faults', () => {
  it('reach the agent as a plain isError result, without driver text or stack', async () => {
    const broken = await setup();
    try {
      const { conversation } = await broken.call('create_conversation', {});
      // Break the store under the server's feet: the tool-call check now hits a missing table.
      await broken.database.db.$executeRawUnsafe('DROP TABLE tool_calls');
      const result = await broken.callRaw('append_messages', {
        conversation_id: conversation.id,
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        ],
      });
      expect(result.isError).toBe(true);
      const text = result.content[0]!.type === 'text' ? result.content[0]!.text : '';
      expect(text).toBe(
        'Internal error in append_messages; nothing was changed. Try again; if it persists, check the server log.',
      );
      // Atomic: the seq reservation of the failed append was rolled back.
      expect((await broken.call('get_conversation', { conversation_id: conversation.id })).message_count).toBe(0);
    } finally {
      await broken.close();
    }
  });
});

describe('read-only mode', () => {
  it('registers exactly the tools annotated readOnlyHint, so writes are not there to call', async () => {
    const full = await env.client.listTools();
    const readOnly = await setup({ readOnly: true });
    try {
      const { tools } = await readOnly.client.listTools();
      const expected = full.tools.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name);
      expect(tools.map((t) => t.name)).toEqual(expected);
      expect(expected).toContain('get_history');
      expect(expected).not.toContain('append_messages');
      const attempt = await readOnly.callRaw('append_messages', {
        conversation_id: 'x',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(attempt.isError).toBe(true);
      expect(JSON.stringify(attempt.content)).toMatch(/append_messages not found/);
      expect(await readOnly.database.db.message.count()).toBe(0);
    } finally {
      await readOnly.close();
    }
  });
});
