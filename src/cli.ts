#!/usr/bin/env node
import { Command } from 'commander';
import { auditCommand } from './commands/audit.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { ownerCommand } from './commands/owner.js';
import { purgeCommand } from './commands/purge.js';
import { serveAction, serveCommand } from './commands/serve.js';
import { tokenCommand } from './commands/token.js';
import { toolsCommand } from './commands/tools.js';
import { viewCommand } from './commands/view.js';
import { type CliFlags, ConfigError } from './config.js';
import { DatabaseStartError } from './db/index.js';
import { TOOLSET_NAMES } from './mcp/toolsets.js';
import { packageVersion } from './version.js';

/** Entry point: the options every subcommand shares, the subcommands, error reporting. Nothing else. */
function main(argv: string[]): void {
  const program = new Command()
    .name('chat-history-mcp')
    .description(
      'MCP server that gives LLM agents durable conversation memory. Without a subcommand it serves MCP on stdio ' +
        '(same as `serve`); `serve --http` serves Streamable HTTP with bearer tokens (`token`).',
    )
    .version(packageVersion())
    .option(
      '--db <path>',
      'SQLite database file (env CHAT_HISTORY_DB, or DATABASE_URL=file:PATH; DATABASE_URL=postgresql://… for PostgreSQL)',
    )
    .option(
      '--owner <name>',
      'stdio: whose memory this server serves (env CHAT_HISTORY_OWNER; default "local"); token: the token\'s owner',
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL; default info)')
    .option('--read-only', 'offer only the tools that read (env CHAT_HISTORY_READ_ONLY=1)')
    .option(
      '--toolsets <names>',
      `offer only these groups of tools, comma-separated: ${TOOLSET_NAMES.join(', ')} (env CHAT_HISTORY_TOOLSETS; default all)`,
    )
    .option(
      '--busy-timeout-ms <ms>',
      "wait this long for another process's write lock (env CHAT_HISTORY_BUSY_TIMEOUT_MS; default 10000)",
    )
    .option(
      '--max-content-bytes <n>',
      'max UTF-8 bytes of one message content or tool-call arguments (env CHAT_HISTORY_MAX_CONTENT_BYTES; default 262144)',
    )
    .option(
      '--max-messages-per-call <n>',
      'max messages in one append_messages call (env CHAT_HISTORY_MAX_MESSAGES_PER_CALL; default 100)',
    )
    .option(
      '--max-metadata-bytes <n>',
      'max bytes of one metadata object as JSON (env CHAT_HISTORY_MAX_METADATA_BYTES; default 16384)',
    )
    .option(
      '--max-metadata-keys <n>',
      'max top-level keys of one metadata object (env CHAT_HISTORY_MAX_METADATA_KEYS; default 64)',
    )
    .option('--max-batch-bytes <n>', 'max bytes one append stores (env CHAT_HISTORY_MAX_BATCH_BYTES; default 4194304)')
    .option(
      '--max-response-bytes <n>',
      'max bytes of one response as JSON; pages stop there (env CHAT_HISTORY_MAX_RESPONSE_BYTES; default 4194304, at most 9437184)',
    )
    .option(
      '--trash-days <n>',
      'days a deleted or expired conversation stays restorable in the trash; 0 deletes at once (env CHAT_HISTORY_TRASH_DAYS; default 7)',
    )
    .option(
      '--retain-days <n>',
      'move conversations without activity for this many days to the trash (env CHAT_HISTORY_RETAIN_DAYS; default: keep)',
    )
    .option(
      '--audit-retain-days <n>',
      'days an audit event is kept; 0 keeps them forever (env CHAT_HISTORY_AUDIT_RETAIN_DAYS; default 365)',
    )
    .option(
      '--max-bytes-per-owner <n>',
      'default quota: bytes of messages one owner may store; `owner quota` overrides it per owner (env CHAT_HISTORY_MAX_BYTES_PER_OWNER; default unlimited)',
    )
    .option(
      '--max-conversations-per-owner <n>',
      'default quota: live conversations one owner may have (env CHAT_HISTORY_MAX_CONVERSATIONS_PER_OWNER; default unlimited)',
    )
    .option(
      '--sweep-interval-seconds <n>',
      'how often the server expires, purges and prunes the audit trail; 0: never, run `purge` from cron instead (env CHAT_HISTORY_SWEEP_INTERVAL_SECONDS; default 60)',
    )
    .action((flags: CliFlags) => serveAction(flags, false))
    // Subcommands read the options above through optsWithGlobals(); no subcommand = serve on stdio.
    .addCommand(serveCommand())
    .addCommand(tokenCommand())
    .addCommand(exportCommand())
    .addCommand(importCommand())
    .addCommand(toolsCommand())
    .addCommand(viewCommand())
    .addCommand(purgeCommand())
    .addCommand(auditCommand())
    .addCommand(ownerCommand());

  program.parseAsync(argv).catch((err: unknown) => {
    // Before the logger exists (bad configuration) or after it failed: plain stderr.
    const message =
      err instanceof ConfigError || err instanceof DatabaseStartError
        ? err.message
        : `failed to start: ${(err as Error)?.stack ?? String(err)}`;
    process.stderr.write(`chat-history-mcp: ${message}\n`);
    process.exit(1);
  });
}

main(process.argv);
