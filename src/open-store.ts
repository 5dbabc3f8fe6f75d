import type { Config } from './config.js';
import { type HistoryDb, openDatabase, type Provider } from './db/index.js';
import { HistoryStore } from './history/store.js';
import type { Logger } from './logger.js';

export interface OpenStore {
  store: HistoryStore;
  /** The Prisma client itself, for what is not one owner's history (HTTP access tokens). */
  db: HistoryDb;
  provider: Provider;
  close: () => Promise<void>;
}

/** How a caller opens it: read-only for `serve --read-only` and `export` (see OpenDatabaseOptions). */
export interface OpenAccess {
  readOnly?: boolean;
  upgradeIfWritable?: boolean;
}

/** The configured database, migrated, behind a HistoryStore: what the server and every command start from. */
export async function openStore(config: Config, logger: Logger, access: OpenAccess = {}): Promise<OpenStore> {
  const database = await openDatabase({
    target: config.database,
    busyTimeoutMs: config.busyTimeoutMs,
    logger,
    ...access,
  });
  return {
    store: new HistoryStore(database, config.limits, config.busyTimeoutMs, config.policy),
    db: database.db,
    provider: database.provider,
    close: () => database.close(),
  };
}
