import { Command } from 'commander';
import { ownerSchema } from '../auth/owner.js';
import type { CliFlags } from '../config.js';
import { withMaintenance } from './open-maintenance.js';
import { CommandError, runCommand } from './run-command.js';

/** Events read per query; the command streams page after page. */
const PAGE = 500;

/**
 * `audit [--since T] [--owner NAME] [--limit N]`: the audit trail as JSON lines, oldest first,
 * one event per line (what was done, by whom, to which conversation, how many messages and
 * bytes: never content). `--owner` is the program's global option, read through
 * optsWithGlobals() and, as for `token`, only from the command line: CHAT_HISTORY_OWNER (the
 * stdio server's owner) does not narrow the operator's view by accident.
 */
export function auditCommand(): Command {
  return new Command('audit')
    .description(
      "Print the audit trail as JSON lines, oldest first: every owner's events, or one owner's with --owner NAME. " +
        'Fields: id, at, owner, actor_kind, actor_id, actor_name, operation, conversation_id, first_seq, last_seq, ' +
        'messages, bytes, outcome. Never message content.',
    )
    .usage('[--since <time>] [--owner <name>] [--limit <n>]')
    .option(
      '--since <time>',
      'only events at or after this time: ISO-8601 (2026-01-31T00:00:00Z) or an age: 30m, 24h, 7d, 2w',
    )
    .option('--limit <n>', 'print at most this many events')
    .action((options: { since?: string; limit?: string }, cmd: Command) =>
      runCommand('audit', () => audit(cmd.optsWithGlobals<CliFlags>(), options)),
    );
}

async function audit(flags: CliFlags, options: { since?: string; limit?: string }): Promise<void> {
  const since = options.since === undefined ? undefined : parseSince(options.since, new Date());
  const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : parseLimit(options.limit);
  const owner = flags.owner === undefined ? undefined : parseOwner(flags.owner);
  await withMaintenance(flags, async (m) => {
    let printed = 0;
    let after: string | undefined;
    while (printed < limit) {
      const page = await m.audit({
        ...(owner !== undefined && { owner }),
        ...(since !== undefined && { since }),
        ...(after !== undefined && { after }),
        limit: Math.min(PAGE, limit - printed),
      });
      for (const event of page.events) process.stdout.write(`${JSON.stringify(event)}\n`);
      printed += page.events.length;
      if (page.next === null) break;
      after = page.next;
    }
  });
}

const AGE_UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: an ISO-8601 time, or an age before `now` such as 24h or 7d. */
export function parseSince(value: string, now: Date): Date {
  const age = /^(\d+)([smhdw])$/.exec(value.trim());
  if (age !== null) return new Date(now.getTime() - Number(age[1]) * AGE_UNITS_MS[age[2]!]!);
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value.trim());
  const at = new Date(value.trim());
  if (!iso || Number.isNaN(at.getTime())) {
    throw new CommandError(
      `--since: "${value}" is neither an ISO-8601 time (2026-01-31 or 2026-01-31T08:00:00Z) nor an age (30m, 24h, 7d, 2w)`,
    );
  }
  return at;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CommandError(`--limit: "${value}" is not a whole number of 1 or more`);
  return n;
}

function parseOwner(value: string): string {
  const parsed = ownerSchema.safeParse(value);
  if (!parsed.success) throw new CommandError(`--owner: ${parsed.error.issues[0]?.message ?? 'not an owner name'}`);
  return parsed.data;
}
