/**
 * The first peer: @modelcontextprotocol/server-memory (the reference memory server), over stdio with
 * the same SDK client. It keeps a knowledge graph in one JSONL file (MEMORY_FILE_PATH).
 * Installed on demand into bench/.peer/ (peer-install.ts).
 *
 * Stored items = entities with one observation each, seeded with create_entities in batches
 * of 500; measured: add_observations (one observation to an existing entity; the analogue of
 * appending one message to an existing conversation) and create_entities (one new entity;
 * the analogue of create_conversation).
 */
import { join } from 'node:path';
import { type InstalledPeer, installPeer } from './peer-install.js';
import type { ServerSpec, Session } from './server.js';
import { measure, type Plan, type Timing } from './stats.js';

export function ensurePeer(log: (s: string) => void): InstalledPeer {
  return installPeer('@modelcontextprotocol/server-memory', '', join('dist', 'index.js'), log);
}

export function peerServer(entry: string, memoryFile: string): ServerSpec {
  return { command: process.execPath, args: [entry], env: { MEMORY_FILE_PATH: memoryFile } };
}

const observation = (i: number) =>
  `observation ${i}: the user prefers concise answers and works on the billing service in Go`;

export async function seedPeer(s: Session, items: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < items; i += 500) {
    const entities = Array.from({ length: Math.min(500, items - i) }, (_, k) => ({
      name: `entity-${i + k}`,
      entityType: 'person',
      observations: [observation(i + k)],
    }));
    await s.call('create_entities', { entities });
  }
  return Math.round(performance.now() - t0);
}

export async function measurePeer(
  s: Session,
  items: number,
  plan: Plan,
): Promise<{ add_observations: Timing; create_entities: Timing }> {
  const add_observations = await measure(plan, (i) =>
    s.call('add_observations', {
      observations: [{ entityName: `entity-${(i * 7919) % items}`, contents: [`${observation(items + i)} (new)`] }],
    }),
  );
  const create_entities = await measure(plan, (i) =>
    s.call('create_entities', {
      entities: [{ name: `new-entity-${i}`, entityType: 'person', observations: [observation(i)] }],
    }),
  );
  return { add_observations, create_entities };
}
