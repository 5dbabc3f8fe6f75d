import { resolve } from 'node:path';
import { z } from 'zod';
import { ownerSchema } from './auth/owner.js';
import type { DatabaseTarget } from './db/index.js';

export { describeDatabase } from './db/index.js';

import { DEFAULT_LIMITS } from './history/core/limits.js';
import { DEFAULT_POLICY } from './history/core/policy.js';
import { LOG_LEVELS } from './logger.js';
import { isToolsetName, TOOLSET_NAMES, type ToolsetName } from './mcp/toolsets.js';
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
  maxResponseBytes?: string;
  readOnly?: boolean;
  /** Comma-separated toolset names. */
  toolsets?: string;
  /** Retention and quotas (history/core/policy.ts); the sweep's interval. */
  trashDays?: string;
  retainDays?: string;
  auditRetainDays?: string;
  maxBytesPerOwner?: string;
  maxConversationsPerOwner?: string;
  sweepIntervalSeconds?: string;
  /** `serve --http` only. */
  port?: string;
  host?: string;
}

export const DEFAULT_OWNER = 'local';
export const DEFAULT_HTTP_PORT = 8808;
/** Loopback: nothing beyond this machine reaches the server unless asked for. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const wholeNumber = (max: number) => z.coerce.number().int().min(0).max(max);
/** A hundred years: longer windows are a typo, not a policy. */
const MAX_DAYS = 36_500;
/** The sweep's default period: expired and purgeable conversations wait at most this long. */
export const DEFAULT_SWEEP_INTERVAL_SECONDS = 60;

const databaseSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('sqlite'), path: z.string().min(1), source: z.string().optional() }),
  z.object({ provider: z.literal('postgresql'), url: z.string().min(1) }),
]);

const configSchema = z.object({
  database: databaseSchema,
  owner: ownerSchema,
  logLevel: z.enum(LOG_LEVELS),
  busyTimeoutMs: positiveInt(600_000),
  readOnly: z.boolean(),
  toolsets: z
    .array(
      z.string().refine(isToolsetName, {
        error: (issue) => `unknown toolset "${String(issue.input)}": choose from ${TOOLSET_NAMES.join(', ')}`,
      }),
    )
    .min(1, `name at least one toolset: ${TOOLSET_NAMES.join(', ')}`)
    .transform((names) => names as ToolsetName[]),
  limits: z.object({
    maxContentBytes: positiveInt(8 * 1024 * 1024),
    maxMessagesPerCall: positiveInt(1000),
    maxMetadataBytes: positiveInt(1024 * 1024),
    maxMetadataKeys: positiveInt(10_000),
    maxBatchBytes: positiveInt(8 * 1024 * 1024),
    // Below the 10 MiB frame of the MCP SDK's stdio transport, with room for one more message.
    maxResponseBytes: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(9 * 1024 * 1024),
  }),
  policy: z.object({
    trashDays: wholeNumber(MAX_DAYS),
    retainDays: z.coerce
      .number()
      .int()
      .min(1, 'a whole number of days, 1 or more; leave it unset to keep idle conversations forever')
      .max(MAX_DAYS)
      .nullable(),
    // 0 means keep forever (null): deleting every event at once is never what anyone wants.
    auditRetainDays: wholeNumber(MAX_DAYS).transform((days) => (days === 0 ? null : days)),
    maxBytesPerOwner: wholeNumber(Number.MAX_SAFE_INTEGER).nullable(),
    maxConversationsPerOwner: wholeNumber(2_147_483_647).nullable(),
  }),
  /** How often a server runs the retention sweep; 0: never (then cron runs `purge`). */
  sweepIntervalSeconds: wholeNumber(7 * 86_400),
  /** Used by `serve --http` only; 0 picks a free port (the start-up log line names it). */
  http: z.object({
    port: z.coerce.number().int().min(0).max(65_535),
    host: z.string().trim().min(1),
  }),
});
export type Config = z.infer<typeof configSchema>;

/** Where each setting comes from, for error messages: [flag, env var]. */
const SOURCES: Record<string, [string, string]> = {
  'database.path': ['--db', 'CHAT_HISTORY_DB'],
  'database.url': ['DATABASE_URL', ''],
  owner: ['--owner', 'CHAT_HISTORY_OWNER'],
  logLevel: ['--log-level', 'LOG_LEVEL'],
  busyTimeoutMs: ['--busy-timeout-ms', 'CHAT_HISTORY_BUSY_TIMEOUT_MS'],
  toolsets: ['--toolsets', 'CHAT_HISTORY_TOOLSETS'],
  'limits.maxContentBytes': ['--max-content-bytes', 'CHAT_HISTORY_MAX_CONTENT_BYTES'],
  'limits.maxMessagesPerCall': ['--max-messages-per-call', 'CHAT_HISTORY_MAX_MESSAGES_PER_CALL'],
  'limits.maxMetadataBytes': ['--max-metadata-bytes', 'CHAT_HISTORY_MAX_METADATA_BYTES'],
  'limits.maxMetadataKeys': ['--max-metadata-keys', 'CHAT_HISTORY_MAX_METADATA_KEYS'],
  'limits.maxBatchBytes': ['--max-batch-bytes', 'CHAT_HISTORY_MAX_BATCH_BYTES'],
  'limits.maxResponseBytes': ['--max-response-bytes', 'CHAT_HISTORY_MAX_RESPONSE_BYTES'],
  'policy.trashDays': ['--trash-days', 'CHAT_HISTORY_TRASH_DAYS'],
  'policy.retainDays': ['--retain-days', 'CHAT_HISTORY_RETAIN_DAYS'],
  'policy.auditRetainDays': ['--audit-retain-days', 'CHAT_HISTORY_AUDIT_RETAIN_DAYS'],
  'policy.maxBytesPerOwner': ['--max-bytes-per-owner', 'CHAT_HISTORY_MAX_BYTES_PER_OWNER'],
  'policy.maxConversationsPerOwner': ['--max-conversations-per-owner', 'CHAT_HISTORY_MAX_CONVERSATIONS_PER_OWNER'],
  sweepIntervalSeconds: ['--sweep-interval-seconds', 'CHAT_HISTORY_SWEEP_INTERVAL_SECONDS'],
  'http.port': ['--port', 'CHAT_HISTORY_HTTP_PORT'],
  'http.host': ['--host', 'CHAT_HISTORY_HTTP_HOST'],
};

export class ConfigError extends Error {}

export function loadConfig(flags: CliFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const pick = (flag: string | undefined, key: string) => flag ?? nonEmpty(env[SOURCES[key]![1]]);
  const candidate = {
    database: databaseTarget(flags, env),
    owner: pick(flags.owner, 'owner') ?? DEFAULT_OWNER,
    logLevel: pick(flags.logLevel, 'logLevel') ?? 'info',
    busyTimeoutMs: pick(flags.busyTimeoutMs, 'busyTimeoutMs') ?? 10_000,
    readOnly: flags.readOnly ?? isTrue(env.CHAT_HISTORY_READ_ONLY),
    toolsets: listOf(pick(flags.toolsets, 'toolsets') ?? 'all'),
    limits: {
      maxContentBytes: pick(flags.maxContentBytes, 'limits.maxContentBytes') ?? DEFAULT_LIMITS.maxContentBytes,
      maxMessagesPerCall:
        pick(flags.maxMessagesPerCall, 'limits.maxMessagesPerCall') ?? DEFAULT_LIMITS.maxMessagesPerCall,
      maxMetadataBytes: pick(flags.maxMetadataBytes, 'limits.maxMetadataBytes') ?? DEFAULT_LIMITS.maxMetadataBytes,
      maxMetadataKeys: pick(flags.maxMetadataKeys, 'limits.maxMetadataKeys') ?? DEFAULT_LIMITS.maxMetadataKeys,
      maxBatchBytes: pick(flags.maxBatchBytes, 'limits.maxBatchBytes') ?? DEFAULT_LIMITS.maxBatchBytes,
      maxResponseBytes: pick(flags.maxResponseBytes, 'limits.maxResponseBytes') ?? DEFAULT_LIMITS.maxResponseBytes,
    },
    policy: {
      trashDays: pick(flags.trashDays, 'policy.trashDays') ?? DEFAULT_POLICY.trashDays,
      retainDays: pick(flags.retainDays, 'policy.retainDays') ?? DEFAULT_POLICY.retainDays,
      auditRetainDays: pick(flags.auditRetainDays, 'policy.auditRetainDays') ?? DEFAULT_POLICY.auditRetainDays ?? 0,
      maxBytesPerOwner: pick(flags.maxBytesPerOwner, 'policy.maxBytesPerOwner') ?? DEFAULT_POLICY.maxBytesPerOwner,
      maxConversationsPerOwner:
        pick(flags.maxConversationsPerOwner, 'policy.maxConversationsPerOwner') ??
        DEFAULT_POLICY.maxConversationsPerOwner,
    },
    sweepIntervalSeconds: pick(flags.sweepIntervalSeconds, 'sweepIntervalSeconds') ?? DEFAULT_SWEEP_INTERVAL_SECONDS,
    http: {
      port: pick(flags.port, 'http.port') ?? DEFAULT_HTTP_PORT,
      host: pick(flags.host, 'http.host') ?? DEFAULT_HTTP_HOST,
    },
  };
  const parsed = configSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    // An issue inside a list (toolsets.1) is reported under the list's setting.
    const key = i.path.filter((p) => typeof p === 'string').join('.');
    const [flag, envVar] = SOURCES[key] ?? [key, ''];
    return `${flag}${envVar ? ` / ${envVar}` : ''}: ${i.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/**
 * --db, then CHAT_HISTORY_DB, then DATABASE_URL (file:… for SQLite, postgresql://… or
 * postgres://… for PostgreSQL), then a SQLite file in the user's data directory.
 */
function databaseTarget(flags: CliFlags, env: NodeJS.ProcessEnv): DatabaseTarget {
  // `source` names the setting in error messages ("cannot open … (set by --db)").
  if (flags.db !== undefined) return { provider: 'sqlite', path: resolve(stripFileScheme(flags.db)), source: '--db' };
  const fromEnv = nonEmpty(env.CHAT_HISTORY_DB);
  if (fromEnv !== undefined)
    return { provider: 'sqlite', path: resolve(stripFileScheme(fromEnv)), source: 'CHAT_HISTORY_DB' };
  const url = nonEmpty(env.DATABASE_URL)?.trim();
  if (url === undefined) return { provider: 'sqlite', path: defaultDatabasePath(env) };
  if (url.startsWith('file:'))
    return { provider: 'sqlite', path: resolve(stripFileScheme(url)), source: 'DATABASE_URL=file:' };
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: 'postgresql', url };
  const scheme = url.includes(':') ? `"${url.split(':')[0]}:"` : 'no scheme';
  throw new ConfigError(
    `DATABASE_URL has ${scheme}: use postgresql://user:password@host:5432/db (PostgreSQL) or file:PATH (SQLite)`,
  );
}

function stripFileScheme(path: string): string {
  return path.startsWith('file:') ? path.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : path;
}

/** `1`, `true`, `yes` (any case) turn a boolean environment switch on. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes'].includes(value.trim().toLowerCase());
}

/** `a, b,c` → ['a', 'b', 'c']: names separated by commas, spaces around them ignored. */
function listOf(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
