import type { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';

type Adapter = Awaited<ReturnType<PrismaBetterSqlite3['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

/**
 * One SQLite connection serves the whole process, so a statement sent while another request's
 * transaction is open runs INSIDE that transaction: the better-sqlite3 adapter queues only
 * transactions behind its mutex, not single statements. Measured: owner B's update_conversation,
 * sent while owner A's append was between BEGIN and its ROLLBACK, was answered "updated" and
 * then rolled back with A's transaction; B's reads also saw A's uncommitted rows.
 *
 * This wraps the adapter so that every statement outside a transaction waits its turn behind
 * open transactions (first come, first served), and a transaction holds the turn from BEGIN to
 * COMMIT or ROLLBACK. Statements inside a transaction pass straight through. A transaction
 * that Prisma abandons after its maxWait is still rolled back by Prisma when it finally
 * starts, which ends its turn. The price is that a long transaction stalls every request of
 * the process: transactions here do no CPU-heavy work and hold no lock while waiting on
 * anything but the database (see "Cost bounds" in README.md).
 */
export function serialized(
  factory: PrismaBetterSqlite3,
  /** Applied to each new connection before it is serialized (settings, statement-cache.ts). */
  prepare: (connection: Adapter) => Adapter | Promise<Adapter> = (connection) => connection,
): PrismaBetterSqlite3 {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serializeAdapter(await prepare(await factory.connect())),
    connectToShadowDb: async () => serializeAdapter(await prepare(await factory.connectToShadowDb())),
  } as PrismaBetterSqlite3;
}

function serializeAdapter(inner: Adapter): Adapter {
  const turns = new Turns();
  const inTurn = async <T>(work: () => Promise<T>): Promise<T> => {
    const release = await turns.next();
    try {
      return await work();
    } finally {
      release();
    }
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (query) => inTurn(() => inner.queryRaw(query)),
    executeRaw: (query) => inTurn(() => inner.executeRaw(query)),
    executeScript: (script) => inTurn(() => inner.executeScript(script)),
    getConnectionInfo: inner.getConnectionInfo?.bind(inner),
    dispose: () => inner.dispose(),
    async startTransaction(isolationLevel) {
      const release = await turns.next();
      try {
        return holdingTurn(await inner.startTransaction(isolationLevel), release);
      } catch (err) {
        release();
        throw err;
      }
    },
  };
}

/** The transaction, ending the turn it holds when it commits or rolls back. */
function holdingTurn(tx: Transaction, release: () => void): Transaction {
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: (query) => tx.executeRaw(query),
    createSavepoint: tx.createSavepoint?.bind(tx),
    rollbackToSavepoint: tx.rollbackToSavepoint?.bind(tx),
    releaseSavepoint: tx.releaseSavepoint?.bind(tx),
    commit: () => tx.commit().finally(release),
    rollback: () => tx.rollback().finally(release),
  };
}

/** A first-come, first-served lock: next() resolves with a release function, once it is our turn. */
class Turns {
  private last: Promise<void> = Promise.resolve();

  next(): Promise<() => void> {
    const previous = this.last;
    let release!: () => void;
    this.last = new Promise<void>((resolve) => {
      let released = false;
      release = () => {
        if (!released) {
          released = true;
          resolve();
        }
      };
    });
    return previous.then(() => release);
  }
}
