#!/usr/bin/env node
import { Command } from 'commander';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { type CliFlags, ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createServer } from './mcp/server.js';
import { openStore } from './open-store.js';
import { serveStdio } from './transports/stdio.js';
import { packageVersion } from './version.js';

/** Entry point: parse flags and env, open the database, serve MCP on stdio. Nothing else. */
async function serve(flags: CliFlags): Promise<void> {
  const config = loadConfig(flags);
  const logger = createLogger(config.logLevel);
  const version = packageVersion();
  const database = await openStore(config, logger);
  const { server, close } = createServer({ history: database.store.forOwner(config.owner), logger, version, readOnly: config.readOnly });

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    await close();
    await database.close();
    // An empty write whose callback fires once the last MCP answers have left the pipe.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  logger.info(
    { version, db: config.dbPath, owner: config.owner, readOnly: config.readOnly, transport: 'stdio' },
    'chat-history-mcp started',
  );
  await serveStdio(server);
  await stop('client disconnected');
}

function main(argv: string[]): void {
  const program = new Command()
    .name('chat-history-mcp')
    .description('MCP server that gives LLM agents durable conversation memory (serves MCP on stdio).')
    .version(packageVersion())
    .option('--db <path>', 'SQLite database file (env CHAT_HISTORY_DB, or DATABASE_URL=file:PATH)')
    .option('--owner <name>', 'whose memory this server serves (env CHAT_HISTORY_OWNER; default "local")')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL; default info)')
    .option('--read-only', 'offer only the tools that read (env CHAT_HISTORY_READ_ONLY=1)')
    .option('--busy-timeout-ms <ms>', 'wait this long for another process\'s write lock (env CHAT_HISTORY_BUSY_TIMEOUT_MS; default 10000)')
    .option('--max-content-bytes <n>', 'max UTF-8 bytes of one message content or tool-call arguments (env CHAT_HISTORY_MAX_CONTENT_BYTES; default 262144)')
    .option('--max-messages-per-call <n>', 'max messages in one append_messages call (env CHAT_HISTORY_MAX_MESSAGES_PER_CALL; default 100)')
    .option('--max-metadata-bytes <n>', 'max bytes of one metadata object as JSON (env CHAT_HISTORY_MAX_METADATA_BYTES; default 16384)')
    .option('--max-metadata-keys <n>', 'max top-level keys of one metadata object (env CHAT_HISTORY_MAX_METADATA_KEYS; default 64)')
    .option('--max-batch-bytes <n>', 'max bytes one append stores, and one get_history page returns (env CHAT_HISTORY_MAX_BATCH_BYTES; default 4194304)')
    .action((flags: CliFlags) => serve(flags))
    // Subcommands read the options above through optsWithGlobals(); no subcommand = serve.
    .addCommand(exportCommand())
    .addCommand(importCommand());

  program.parseAsync(argv).catch((err: unknown) => {
    // Before the logger exists (bad configuration) or after it failed: plain stderr.
    const message = err instanceof ConfigError ? err.message : `failed to start: ${(err as Error)?.stack ?? String(err)}`;
    process.stderr.write(`chat-history-mcp: ${message}\n`);
    process.exit(1);
  });
}

main(process.argv);
