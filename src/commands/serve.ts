import { Command } from 'commander';
import { type CliFlags, type Config, describeDatabase, loadConfig } from '../config.js';
import { maxRequestBytes } from '../history/core/limits.js';
import { createLogger, type Logger } from '../logger.js';
import type { OpenStore } from '../open-store.js';
import { packageVersion } from '../version.js';
import { type SweepTimer, startSweeps } from './sweep-timer.js';

interface ServeOptions {
  http?: boolean;
}

/** `serve [--http] [--port N] [--host H]`; the program without a subcommand runs serveAction({}). */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Serve MCP: on stdio (the default, one local owner from --owner), or with --http as stateless Streamable HTTP ' +
        'at /mcp, where every request authenticates with a bearer token (see `token create`) that picks the owner.',
    )
    .option('--http', 'serve Streamable HTTP instead of stdio')
    .option('--port <port>', 'HTTP port, 0 for any free one (env CHAT_HISTORY_HTTP_PORT; default 8808)')
    .option('--host <host>', 'HTTP bind address (env CHAT_HISTORY_HTTP_HOST; default 127.0.0.1)')
    .action((options: ServeOptions, cmd: Command) =>
      serveAction(cmd.optsWithGlobals<CliFlags & ServeOptions>(), options.http === true),
    );
}

export async function serveAction(flags: CliFlags, http: boolean): Promise<void> {
  const config = loadConfig(flags);
  const logger = createLogger(config.logLevel);
  const version = packageVersion();
  // Imported here, not at the top: the other commands (token, export, import) load none of it.
  // The stdio server's modules start loading now, their file reads overlapping the database's.
  const stdioModules = http ? undefined : loadStdioModules();
  const { openStore } = await import('../open-store.js');
  // --read-only opens the database read-only too: it works on a file this user can only read.
  const database = await openStore(config, logger, { readOnly: config.readOnly });
  try {
    if (stdioModules === undefined) await serveHttp(config, logger, version, database);
    else await serveStdioUntilDone(config, logger, version, database, await stdioModules);
  } catch (err) {
    await database.close();
    throw err;
  }
}

type StdioModules = Pick<typeof import('../mcp/server.js'), 'createServer'> &
  Pick<typeof import('../transports/stdio.js'), 'serveStdio'>;

function loadStdioModules(): Promise<StdioModules> {
  const loading = Promise.all([import('../mcp/server.js'), import('../transports/stdio.js')]).then(
    ([{ createServer }, { serveStdio }]) => ({ createServer, serveStdio }),
  );
  // Awaited only once the database is open; a start that fails before must not also report this.
  loading.catch(() => undefined);
  return loading;
}

/**
 * Retention runs inside the server (both transports) unless it is read-only or
 * --sweep-interval-seconds is 0 (then cron runs `chat-history-mcp purge`).
 */
function startServerSweeps(config: Config, logger: Logger, database: OpenStore): SweepTimer {
  const maintenance = database.store.maintenance;
  return startSweeps({
    sweep: (options) => maintenance.sweep(options),
    intervalSeconds: config.readOnly ? 0 : config.sweepIntervalSeconds,
    logger,
  });
}

/** Stop once, on a signal or when the transport is done: close everything, exit 0. */
function stopper(logger: Logger, closeAll: () => Promise<void>): (reason: string) => Promise<void> {
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    await closeAll();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return stop;
}

async function serveStdioUntilDone(
  config: Config,
  logger: Logger,
  version: string,
  database: OpenStore,
  { createServer, serveStdio }: StdioModules,
): Promise<void> {
  const { server, close } = createServer({
    history: database.store.forOwner(config.owner),
    logger,
    version,
    readOnly: config.readOnly,
    toolsets: config.toolsets,
  });
  const sweeps = startServerSweeps(config, logger, database);
  const stop = stopper(logger, async () => {
    await close();
    await sweeps.stop();
    await database.close();
    // An empty write whose callback fires once the last MCP answers have left the pipe.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  });
  logger.info(
    {
      version,
      db: describeDatabase(config.database),
      owner: config.owner,
      readOnly: config.readOnly,
      toolsets: config.toolsets.join(','),
      transport: 'stdio',
    },
    'chat-history-mcp started',
  );
  await serveStdio(server, maxRequestBytes(config.limits.maxBatchBytes));
  await stop('client disconnected');
}

async function serveHttp(config: Config, logger: Logger, version: string, database: OpenStore): Promise<void> {
  // Loaded only here: express and the HTTP transport add ~0.2 s to every start, and stdio
  // servers are started by MCP clients (often through npx) on every launch.
  const [{ startHttpServer }, { TokenStore }] = await Promise.all([
    import('../transports/http.js'),
    import('../auth/tokens.js'),
  ]);
  const http = await startHttpServer({
    store: database.store,
    tokens: new TokenStore(database.db),
    db: database.db,
    logger,
    version,
    readOnly: config.readOnly,
    toolsets: config.toolsets,
    host: config.http.host,
    port: config.http.port,
    // A request may wait for the write lock and then run its transaction: let it.
    drainTimeoutMs: Math.max(30_000, 3 * config.busyTimeoutMs),
  });
  const sweeps = startServerSweeps(config, logger, database);
  // In-flight requests finish (an append commits or rolls back whole) before the database closes.
  stopper(logger, async () => {
    await http.close();
    await sweeps.stop();
    await database.close();
  });
  // The bound URL (with the real port when --port 0) is what scripts and tests read.
  logger.info(
    {
      version,
      url: http.url,
      db: describeDatabase(config.database),
      readOnly: config.readOnly,
      toolsets: config.toolsets.join(','),
      transport: 'http',
    },
    'chat-history-mcp listening',
  );
}
