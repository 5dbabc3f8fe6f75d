import { type CliFlags, type Config, loadConfig } from '../config.js';
import { CLI_ACTOR } from '../history/core/actor.js';
import { HistoryError } from '../history/core/errors.js';
import type { OwnerHistory } from '../history/store.js';
import { createLogger } from '../logger.js';
import type { OpenAccess } from '../open-store.js';

/**
 * One owner's history for a command, configured by the same flags and environment as the
 * server (--db, --owner, limits …). Commands log only warnings unless --log-level or
 * LOG_LEVEL asks for more, so their progress lines are not buried in start-up logs.
 */
export async function openHistory(
  flags: CliFlags,
  access: OpenAccess = {},
): Promise<{ history: OwnerHistory; close: () => Promise<void> }> {
  const config = commandConfig(flags);
  const logger = createLogger(config.logLevel);
  // Loaded when a command runs, not when the program starts (cli.ts imports every command).
  const { openStore } = await import('../open-store.js');
  const { store, close } = await openStore(config, logger, access);
  // What a command writes (import) is the operator's doing: the audit trail says cli.
  return { history: store.forOwner(config.owner, CLI_ACTOR), close };
}

/**
 * The configuration for a command: the server's flags and environment, but logging only
 * warnings unless --log-level or LOG_LEVEL asks for more, so that a command's own output is not
 * buried in start-up lines (migrations applied …).
 */
export function commandConfig(flags: CliFlags): Config {
  const quiet = flags.logLevel === undefined && (process.env.LOG_LEVEL ?? '').trim() === '';
  return loadConfig(quiet ? { ...flags, logLevel: 'warn' } : flags);
}

/** A mistake the user can fix (bad arguments, unreadable file): printed without a stack. */
export class CommandError extends Error {}

/** Run a command's body; expected failures print one line and exit 1. */
export async function runCommand(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (!(err instanceof CommandError || err instanceof HistoryError)) throw err;
    process.stderr.write(`chat-history-mcp ${name}: ${err.message}\n`);
    process.exitCode = 1;
  }
}
