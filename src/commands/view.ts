import { Command } from 'commander';
import { type CliFlags, describeDatabase } from '../config.js';
import { createLogger } from '../logger.js';
import { CommandError, commandConfig, runCommand } from './run-command.js';

interface ViewOptions {
  port?: string;
}

/** `view [--port N]`: the web viewer on 127.0.0.1 for the local database, signed in by a one-time URL. */
export function viewCommand(): Command {
  return new Command('view')
    .description(
      'Open the read-only web viewer of this database (--db, --owner) on 127.0.0.1: prints a URL with a ' +
        'one-time secret; open it in a browser. Runs until interrupted (Ctrl-C).',
    )
    .option('--port <port>', 'port on 127.0.0.1 (default: any free one)')
    .action((options: ViewOptions, cmd: Command) =>
      runCommand('view', () => viewAction(cmd.optsWithGlobals<CliFlags>(), options)),
    );
}

const HOST = '127.0.0.1';

async function viewAction(flags: CliFlags, options: ViewOptions): Promise<void> {
  const port = Number(options.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CommandError('--port must be 0 to 65535');
  // Not the HTTP settings of `serve --http`: the viewer always stays on this machine.
  const config = commandConfig({ ...flags, port: undefined, host: undefined });
  const logger = createLogger(config.logLevel);
  // Loaded only here: express and the viewer are no part of any other command's start.
  const [{ openStore }, { default: express }, { viewerRoutes }, { LocalSessions }, { hostProtection }, http] =
    await Promise.all([
      import('../open-store.js'),
      import('express'),
      import('../viewer/index.js'),
      import('../viewer/local-session.js'),
      import('../transports/http-host.js'),
      import('../transports/http-listen.js'),
    ]);
  // Opened as the server opens it (created and migrated if need be, so a first `view` shows an
  // empty memory rather than an error); the viewer only reads, and runs no retention sweep.
  const { store, close } = await openStore(config, logger);
  const sessions = new LocalSessions(config.owner);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(hostProtection(HOST)!);
  app.use(sessions.signIn());
  app.use(viewerRoutes({ store, authenticate: sessions.authenticate(), logger }));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  const server = await http.listen(app, port, HOST).catch(async (err) => {
    await close();
    throw err;
  });
  const { port: bound } = server.address() as { port: number };
  process.stderr.write(
    `chat-history-mcp view: ${describeDatabase(config.database)}, owner "${config.owner}". ` +
      'Open this URL (it works once; Ctrl-C stops the viewer):\n',
  );
  process.stdout.write(`http://${HOST}:${bound}/#secret=${sessions.secret}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await close();
}
