/**
 * The peer: @modelcontextprotocol/server-memory (the reference memory server), over stdio with
 * the same SDK client. It keeps a knowledge graph in one JSONL file (MEMORY_FILE_PATH).
 * Installed on demand into bench/.peer/ (git-ignored), never a dependency of this package.
 *
 * Stored items = entities with one observation each, seeded with create_entities in batches
 * of 500; measured: add_observations (one observation to an existing entity; the analogue of
 * appending one message to an existing conversation) and create_entities (one new entity;
 * the analogue of create_conversation).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEER } from './dist.js';
import type { Session } from './server.js';
import { measure, type Plan, type Timing } from './stats.js';

const PACKAGE = '@modelcontextprotocol/server-memory';
const ENTRY = join(PEER, 'node_modules', '@modelcontextprotocol', 'server-memory', 'dist', 'index.js');

export function ensurePeer(log: (s: string) => void): { entry: string; version: string } {
  if (!existsSync(ENTRY)) {
    log(`installing ${PACKAGE} into ${PEER} …`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefix', PEER, PACKAGE], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const pkg = JSON.parse(
    readFileSync(join(PEER, 'node_modules', '@modelcontextprotocol', 'server-memory', 'package.json'), 'utf8'),
  ) as { version: string };
  return { entry: ENTRY, version: pkg.version };
}

export function peerServer(entry: string, memoryFile: string) {
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
