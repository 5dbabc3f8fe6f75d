/**
 * The second peer: mcp-memory-keeper 0.14, the server a user would pick instead of ours for
 * durable agent memory. Like ours it keeps SQLite through better-sqlite3, so the comparison is
 * of two servers on the same engine, same SDK client, same run. It stores one `context.db` in
 * DATA_DIR (its README); the bench points that, and the cwd, at a temp folder per size.
 *
 * Stored items = context items (key, value), seeded with context_batch_save (its maximum batch
 * is 100); measured: context_save of a new key (the analogue of appending one message) and
 * context_get of one existing key (the analogue of get_history with limit 1).
 */
import { join } from 'node:path';
import { type InstalledPeer, installPeer } from './peer-install.js';
import type { ServerSpec, Session } from './server.js';
import { measure, type Plan, type Timing } from './stats.js';

export const KEEPER = 'mcp-memory-keeper';
const RANGE = '0.14';

export function ensureKeeper(log: (s: string) => void): InstalledPeer {
  return installPeer(KEEPER, RANGE, join('dist', 'index.js'), log);
}

export function keeperServer(entry: string, dataDir: string): ServerSpec {
  return { command: process.execPath, args: [entry], env: { DATA_DIR: dataDir }, cwd: dataDir };
}

const value = (i: number) =>
  `observation ${i}: the user prefers concise answers and works on the billing service in Go`;

export async function seedKeeper(s: Session, items: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < items; i += 100) {
    const batch = Array.from({ length: Math.min(100, items - i) }, (_, k) => ({
      key: `item-${i + k}`,
      value: value(i + k),
      category: 'note',
    }));
    await s.call('context_batch_save', { items: batch });
  }
  return Math.round(performance.now() - t0);
}

export async function measureKeeper(
  s: Session,
  items: number,
  plan: Plan,
): Promise<{ context_save: Timing; context_get: Timing }> {
  const context_save = await measure(plan, (i) =>
    s.call('context_save', { key: `new-item-${i}`, value: `${value(items + i)} (new)`, category: 'note' }),
  );
  const context_get = await measure(plan, (i) => s.call('context_get', { key: `item-${(i * 7919) % items}` }));
  return { context_save, context_get };
}
