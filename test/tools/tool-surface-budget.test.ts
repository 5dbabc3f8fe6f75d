import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { TOOL_PRESETS } from '../../src/mcp/toolsets.js';
import { connect, freshDatabase } from '../support/harness.js';

/**
 * What the tool surface costs. A client sends the model each tool's name, description and
 * inputSchema on every model call (as JSON; exact wrapping differs by provider), so those are
 * counted in o200k_base tokens; tools/list as a whole is counted in bytes as sent.
 *
 * Budgets with the figure measured when they were set (issue 12; before: all tools 4,124
 * tokens, chat set 1,530, tools/list 36,619 bytes). Raise a budget only with a reason in the
 * commit: every token here is paid on every call of every agent.
 *
 * Issue 13 raised two: three tools the issue asks for (restore_conversation, list_audit_events,
 * get_usage: +357 tokens) and the trash filter and expires_at fields (+98): all tools 2,767 →
 * 3,222 tokens, tools/list 19,589 → 24,065 bytes. `--toolsets chat` stays at 1,027 (+28:
 * create_conversation's expires_at). Issue 14's forked_from (output schemas only, no tokens)
 * took tools/list to 24,877 bytes.
 */
const BUDGET = {
  allTools: 3_400, // measured 3,222
  chat: 1_200, // measured 1,027
  toolListBytes: 25_000, // measured 24,877
};

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database.close());

type Listed = { name: string; description?: string; inputSchema: unknown };
const modelTokens = (tools: Listed[]) =>
  tools.reduce(
    (sum, t) =>
      sum + countTokens(JSON.stringify({ name: t.name, description: t.description, input_schema: t.inputSchema })),
    0,
  );

async function listed(toolsets?: ['chat']) {
  const env = await connect(database, toolsets ? { toolsets } : {});
  try {
    return await env.client.listTools();
  } finally {
    await env.close();
  }
}

describe('tool surface cost', () => {
  it(`all tools: name + description + inputSchema within ${BUDGET.allTools} tokens`, async () => {
    const { tools } = await listed();
    expect(tools).toHaveLength(17);
    expect(modelTokens(tools)).toBeLessThanOrEqual(BUDGET.allTools);
  });

  it(`the chat toolset within ${BUDGET.chat} tokens`, async () => {
    const { tools } = await listed(['chat']);
    expect(tools.map((t) => t.name)).toEqual([...TOOL_PRESETS.chat]);
    expect(modelTokens(tools)).toBeLessThanOrEqual(BUDGET.chat);
  });

  it(`tools/list within ${BUDGET.toolListBytes} bytes`, async () => {
    const result = await listed();
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(BUDGET.toolListBytes);
  });

  it('publishes no 2^53 bounds, no $schema and no closed-object markers anywhere', async () => {
    const text = JSON.stringify(await listed());
    for (const noise of ['9007199254740991', '$schema', 'additionalProperties', 'propertyNames', 'taskSupport'])
      expect(text).not.toContain(noise);
  });
});
