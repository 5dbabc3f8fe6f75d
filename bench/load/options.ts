/** `npm run bench:load` knobs, read once from the environment. */
import { positiveInt } from '../stats.js';

export const CONFIGS = ['sqlite', 'postgresql', 'postgresql-2'] as const;
export type ConfigName = (typeof CONFIGS)[number];

export type ClientKind = 'raw' | 'sdk';

export interface LoadOptions {
  agents: number[];
  configs: ConfigName[];
  /** Measured seconds per phase. */
  seconds: number;
  /** Unmeasured seconds before each phase's window. */
  warmupSeconds: number;
  /** Owners (one bearer token each); agent i acts for owner i % owners. */
  owners: number;
  /** Turns per session before the agent starts a new one (initialize, tools/list, get-or-create again). */
  sessionTurns: number;
  client: ClientKind;
  /** A previous load JSON whose figures are printed beside these ("before"). */
  baseline: string | undefined;
}

function list(value: string | undefined, fallback: string): string[] {
  return (value?.trim() || fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function readOptions(env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const agents = list(env.LOAD_AGENTS, '8,32,128').map((s) => positiveInt(s, 0));
  const configs = list(env.LOAD_CONFIGS, CONFIGS.join(',')).map((s) => {
    if (!(CONFIGS as readonly string[]).includes(s))
      throw new Error(`LOAD_CONFIGS: unknown "${s}", expected ${CONFIGS}`);
    return s as ConfigName;
  });
  const client = env.LOAD_CLIENT?.trim() || 'raw';
  if (client !== 'raw' && client !== 'sdk') throw new Error(`LOAD_CLIENT: expected raw or sdk, got "${client}"`);
  return {
    agents,
    configs,
    seconds: positiveInt(env.LOAD_SECONDS, 15),
    warmupSeconds: positiveInt(env.LOAD_WARMUP_SECONDS, 3),
    owners: positiveInt(env.LOAD_OWNERS, 8),
    sessionTurns: positiveInt(env.LOAD_SESSION_TURNS, 50),
    client,
    baseline: env.LOAD_BASELINE?.trim() || undefined,
  };
}
