import { type CliFlags, loadConfig } from '../config.js';
import type { Maintenance } from '../history/maintenance/maintenance.js';
import { createLogger } from '../logger.js';

/**
 * The operator's side of the configured database (store.maintenance) for one command, with
 * the server's policy flags (--trash-days, --retain-days …). Quiet unless --log-level or
 * LOG_LEVEL asks for more: the command's own output is what matters.
 */
export async function withMaintenance<T>(flags: CliFlags, body: (maintenance: Maintenance) => Promise<T>): Promise<T> {
  const quiet = flags.logLevel === undefined && (process.env.LOG_LEVEL ?? '').trim() === '';
  const config = loadConfig(quiet ? { ...flags, logLevel: 'warn' } : flags);
  // Loaded when the command runs, not when the program starts (cli.ts imports every command).
  const { openStore } = await import('../open-store.js');
  const { store, close } = await openStore(config, createLogger(config.logLevel));
  try {
    return await body(store.maintenance);
  } finally {
    await close();
  }
}
