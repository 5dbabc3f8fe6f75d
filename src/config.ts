import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_LIMITS } from './history/limits.js';
import { LOG_LEVELS } from './logger.js';
import { defaultDatabasePath } from './paths.js';

/**
 * The one configuration object. Precedence: command-line flag, then environment variable,
 * then the default written here. Validated by zod so a bad value stops the start with a
 * message naming the flag, instead of surfacing later as a strange tool error.
 */

/** Flags as commander hands them over (strings; absent when not given). */
export interface CliFlags {
  db?: string;
  owner?: string;
  logLevel?: string;
  busyTimeoutMs?: string;
  maxContentBytes?: string;
  maxMessagesPerCall?: string;
  maxMetadataBytes?: string;
  maxMetadataKeys?: string;
  maxBatchBytes?: string;
  readOnly?: boolean;
}

export const DEFAULT_OWNER = 'local';

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const configSchema = z.object({
  dbPath: z.string().min(1),
  owner: z.string().trim().min(1).max(200),
  logLevel: z.enum(LOG_LEVELS),
  busyTimeoutMs: positiveInt(600_000),
  readOnly: z.boolean(),
  limits: z.object({
    maxContentBytes: positiveInt(8 * 1024 * 1024),
    maxMessagesPerCall: positiveInt(1000),
    maxMetadataBytes: positiveInt(1024 * 1024),
    maxMetadataKeys: positiveInt(10_000),
    maxBatchBytes: positiveInt(8 * 1024 * 1024),
  }),
});
export type Config = z.infer<typeof configSchema>;

/** Where each setting comes from, for error messages: [flag, env var]. */
const SOURCES: Record<string, [string, string]> = {
  dbPath: ['--db', 'CHAT_HISTORY_DB'],
  owner: ['--owner', 'CHAT_HISTORY_OWNER'],
  logLevel: ['--log-level', 'LOG_LEVEL'],
  busyTimeoutMs: ['--busy-timeout-ms', 'CHAT_HISTORY_BUSY_TIMEOUT_MS'],
  'limits.maxContentBytes': ['--max-content-bytes', 'CHAT_HISTORY_MAX_CONTENT_BYTES'],
  'limits.maxMessagesPerCall': ['--max-messages-per-call', 'CHAT_HISTORY_MAX_MESSAGES_PER_CALL'],
  'limits.maxMetadataBytes': ['--max-metadata-bytes', 'CHAT_HISTORY_MAX_METADATA_BYTES'],
  'limits.maxMetadataKeys': ['--max-metadata-keys', 'CHAT_HISTORY_MAX_METADATA_KEYS'],
  'limits.maxBatchBytes': ['--max-batch-bytes', 'CHAT_HISTORY_MAX_BATCH_BYTES'],
};

export class ConfigError extends Error {}

export function loadConfig(flags: CliFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const pick = (flag: string | undefined, key: string) => flag ?? nonEmpty(env[SOURCES[key]![1]]);
  const candidate = {
    dbPath: databasePath(flags, env),
    owner: pick(flags.owner, 'owner') ?? DEFAULT_OWNER,
    logLevel: pick(flags.logLevel, 'logLevel') ?? 'info',
    busyTimeoutMs: pick(flags.busyTimeoutMs, 'busyTimeoutMs') ?? 10_000,
    readOnly: flags.readOnly ?? isTrue(env.CHAT_HISTORY_READ_ONLY),
    limits: {
      maxContentBytes: pick(flags.maxContentBytes, 'limits.maxContentBytes') ?? DEFAULT_LIMITS.maxContentBytes,
      maxMessagesPerCall: pick(flags.maxMessagesPerCall, 'limits.maxMessagesPerCall') ?? DEFAULT_LIMITS.maxMessagesPerCall,
      maxMetadataBytes: pick(flags.maxMetadataBytes, 'limits.maxMetadataBytes') ?? DEFAULT_LIMITS.maxMetadataBytes,
      maxMetadataKeys: pick(flags.maxMetadataKeys, 'limits.maxMetadataKeys') ?? DEFAULT_LIMITS.maxMetadataKeys,
      maxBatchBytes: pick(flags.maxBatchBytes, 'limits.maxBatchBytes') ?? DEFAULT_LIMITS.maxBatchBytes,
    },
  };
  const parsed = configSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const [flag, envVar] = SOURCES[i.path.join('.')] ?? [i.path.join('.'), ''];
    return `${flag}${envVar ? ` / ${envVar}` : ''}: ${i.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/** --db, then CHAT_HISTORY_DB, then DATABASE_URL=file:…, then the user's data directory. */
function databasePath(flags: CliFlags, env: NodeJS.ProcessEnv): string {
  const explicit = flags.db ?? nonEmpty(env.CHAT_HISTORY_DB);
  if (explicit !== undefined) return resolve(stripFileScheme(explicit));
  const url = nonEmpty(env.DATABASE_URL);
  if (url !== undefined) {
    if (!url.startsWith('file:')) {
      const scheme = url.split(':')[0];
      throw new ConfigError(
        `DATABASE_URL uses "${scheme}:", which this version does not support: use a file: URL (SQLite) or --db PATH`,
      );
    }
    return resolve(stripFileScheme(url));
  }
  return defaultDatabasePath(env);
}

function stripFileScheme(path: string): string {
  return path.startsWith('file:') ? path.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : path;
}

/** `1`, `true`, `yes` (any case) turn a boolean environment switch on. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes'].includes(value.trim().toLowerCase());
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
