import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { DEFAULT_LIMITS } from '../../src/history/core/limits.js';
import { listedTools, providerDefinitions } from '../../src/mcp/tool-definitions.js';
import type { ToolsetName } from '../../src/mcp/toolsets.js';
import { connect, freshDatabase } from '../support/harness.js';
import { CLI, requireBuiltCli } from '../support/spawn.js';

/**
 * `chat-history-mcp tools` prints the definitions without a server: they must be exactly what a
 * real server lists for the same selection and limits.
 */
let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database.close());

describe('tool definitions without a server', () => {
  it('equal what a real server lists, for each selection and configured limits', async () => {
    const cases: { toolsets?: ToolsetName[]; readOnly: boolean; limits?: { maxMessagesPerCall: number } }[] = [
      { readOnly: false },
      { readOnly: true, toolsets: ['chat', 'search'] },
      { readOnly: false, toolsets: ['messages'], limits: { maxMessagesPerCall: 7 } },
    ];
    for (const options of cases) {
      const env = await connect(database, options);
      try {
        const { tools } = await env.client.listTools();
        const limits = { ...DEFAULT_LIMITS, ...options.limits };
        const selection = { readOnly: options.readOnly, ...(options.toolsets && { toolsets: options.toolsets }) };
        expect(listedTools(selection, limits), JSON.stringify(options)).toEqual(tools);
      } finally {
        await env.close();
      }
    }
  });

  it('take each provider shape, strict where a strict form exists', () => {
    const tools = listedTools({ readOnly: false, toolsets: ['messages'] }, DEFAULT_LIMITS);
    const anthropic = providerDefinitions(tools, 'anthropic').definitions as { name: string; input_schema: unknown }[];
    expect(anthropic.map((d) => d.name)).toEqual(['append_messages', 'get_history', 'delete_messages']);
    expect(anthropic[0]!.input_schema).toEqual(tools[0]!.inputSchema);
    const strict = providerDefinitions(tools, 'openai-strict');
    const flags = (strict.definitions as { function: { name: string; strict?: boolean } }[]).map((d) => [
      d.function.name,
      d.function.strict === true,
    ]);
    expect(flags).toEqual([
      ['append_messages', false],
      ['get_history', false],
      ['delete_messages', true],
    ]);
    expect(strict.notes).toEqual([
      'append_messages: not strict ($ has optional fields (idempotency_key))',
      'get_history: not strict ($ has optional fields (limit, before_seq, after_seq))',
    ]);
  });

  it('are printed by the CLI as JSON on stdout, notes on stderr, and a bad format is refused', () => {
    requireBuiltCli();
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'tools', ...args], { encoding: 'utf8' });
    const ok = run('--format', 'openai-strict', '--toolsets', 'context');
    expect(ok.status).toBe(0);
    const printed = JSON.parse(ok.stdout) as { function: { name: string; strict?: boolean } }[];
    expect(printed.map((d) => [d.function.name, d.function.strict ?? false])).toEqual([
      ['get_context', false],
      ['set_summary', true],
    ]);
    expect(ok.stderr).toContain('get_context: not strict');
    const bad = run('--format', 'cohere');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--format must be one of mcp, anthropic, openai, openai-strict, gemini');
  });
});
