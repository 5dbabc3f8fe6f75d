import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { clearToolListCache, toolListStats } from '../../src/mcp/tool-list.js';
import { type Connected, connect, freshDatabase } from '../support/harness.js';

/**
 * tools/list is computed by the SDK once per process and variant (read-only mode, limits) and
 * answered from that afterwards (src/mcp/tool-list.ts). What could go wrong with such a cache:
 * a later answer differing from the first, or one variant's list served to another. Each
 * cached answer is therefore compared with a list the SDK computes afresh for that variant.
 */
let database: Database & { close(): Promise<void> };
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database.close());

const VARIANTS = [
  { name: 'default', options: {} },
  { name: 'read-only', options: { readOnly: true } },
  { name: 'other limits', options: { limits: { maxMessagesPerCall: 7, maxContentBytes: 1000 } } },
  { name: 'read-only, other limits', options: { readOnly: true, limits: { maxMessagesPerCall: 7 } } },
] as const;

async function listOnce(options: Parameters<typeof connect>[1]): Promise<unknown> {
  const api: Connected = await connect(database, options);
  try {
    return (await api.client.listTools()).tools;
  } finally {
    await api.close();
  }
}

describe('tools/list answered from the per-process list', () => {
  it('repeated calls answer what the first did, and what the snapshot holds', async () => {
    const api = await connect(database);
    try {
      const first = (await api.client.listTools()).tools;
      const again = [(await api.client.listTools()).tools, (await api.client.listTools()).tools];
      for (const later of again) expect(later).toEqual(first);
      const snapshot = JSON.parse(readFileSync(new URL('../__snapshots__/tools.json', import.meta.url), 'utf8'));
      expect(JSON.parse(JSON.stringify(first))).toEqual(snapshot);
    } finally {
      await api.close();
    }
  });

  it('each variant gets its own list, equal to one the SDK computes afresh', async () => {
    // Fill the cache with every variant, in one order…
    clearToolListCache();
    const cached = new Map<string, unknown>();
    for (const v of VARIANTS) cached.set(v.name, await listOnce(v.options));
    // …and answered again from it by new servers (as HTTP builds one per owner): no recomputation.
    const computedOnce = toolListStats().computed;
    for (const v of VARIANTS) expect(await listOnce(v.options), v.name).toEqual(cached.get(v.name));
    expect(toolListStats().computed).toBe(computedOnce);
    expect(toolListStats().variants).toBe(VARIANTS.length);
    // Then each variant computed alone, with nothing cached: the SDK's own answer.
    for (const v of [...VARIANTS].reverse()) {
      clearToolListCache();
      expect(await listOnce(v.options), v.name).toEqual(cached.get(v.name));
    }
    // The variants do differ, so serving one's list to another would have been caught.
    const names = (tools: unknown) => (tools as { name: string }[]).map((t) => t.name);
    expect(names(cached.get('read-only'))).not.toEqual(names(cached.get('default')));
    expect(cached.get('other limits')).not.toEqual(cached.get('default'));
  });
});
