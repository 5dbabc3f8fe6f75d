import { Command } from 'commander';
import type { CliFlags } from '../config.js';
import { CLI_ACTOR } from '../history/core/actor.js';
import { withMaintenance } from './open-maintenance.js';
import { runCommand } from './run-command.js';

/**
 * `purge`: the retention sweep, now, once — what a server does every --sweep-interval-seconds.
 * For cron when servers run with --sweep-interval-seconds 0 (or not at all). One JSON line on
 * stdout says what it did.
 */
export function purgeCommand(): Command {
  return new Command('purge')
    .description(
      'Run the retention sweep now: move expired and idle conversations (--retain-days) to the trash, delete ' +
        'trashed conversations whose purge time has come, delete audit events older than --audit-retain-days. ' +
        'Prints {"expired":…,"purged":…,"audit_events_deleted":…}. For cron, with servers started with ' +
        '--sweep-interval-seconds 0.',
    )
    .action((_options: unknown, cmd: Command) =>
      runCommand('purge', async () => {
        const result = await withMaintenance(cmd.optsWithGlobals<CliFlags>(), (m) => m.sweep({ actor: CLI_ACTOR }));
        process.stdout.write(
          `${JSON.stringify({
            expired: result.expired,
            purged: result.purged,
            audit_events_deleted: result.auditEventsDeleted,
          })}\n`,
        );
      }),
    );
}
