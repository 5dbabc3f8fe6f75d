import type { CliFlags } from '../config.js';
import type { Maintenance } from '../history/maintenance/maintenance.js';
import { createLogger } from '../logger.js';
import { commandConfig } from './run-command.js';

/**
 * The operator's side of the configured database (store.maintenance) for one command, with
 * the server's policy flags (--trash-days, --retain-days …). Quiet unless --log-level or
 * LOG_LEVEL asks for more: the command's own output is what matters.
 */
export async function withMaintenance<T>(flags: CliFlags, body: (maintenance: Maintenance) => Promise<T>): Promise<T> {
  const config = commandConfig(flags);
  // Loaded when the command runs, not when the program starts (cli.ts imports every command).
  const { openStore } = await import('../open-store.js');
  const { store, close } = await openStore(config, createLogger(config.logLevel));
  try {
    return await body(store.maintenance);
  } finally {
    await close();
  }
}
