import type { Config } from './config.js';
import { openDatabase } from './db/client.js';
import { HistoryStore } from './history/store.js';
import type { Logger } from './logger.js';

/** The configured database, migrated, behind a HistoryStore: what the server and every command start from. */
export async function openStore(config: Config, logger: Logger): Promise<{ store: HistoryStore; close: () => Promise<void> }> {
  const database = await openDatabase({ path: config.dbPath, busyTimeoutMs: config.busyTimeoutMs, logger });
  return { store: new HistoryStore(database.db, config.limits, config.busyTimeoutMs), close: () => database.close() };
}
