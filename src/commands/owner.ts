import { Command } from 'commander';
import { ownerSchema } from '../auth/owner.js';
import type { CliFlags } from '../config.js';
import type { OwnerUsageView } from '../history/maintenance/usage-list.js';
import { withMaintenance } from './open-maintenance.js';
import { CommandError, runCommand } from './run-command.js';

/** Owners read per query by `owner usage`. */
const PAGE = 500;

/**
 * `owner erase | quota | usage`: the operator's view of owners. The owner is an argument here
 * (not --owner): these act on any owner, and erase is not something a default should pick.
 */
export function ownerCommand(): Command {
  const owner = new Command('owner').description("Operator commands on one owner's data: erase, quota, usage.");
  owner
    .command('erase')
    .description(
      'Delete everything of one owner for good: conversations (live and in the trash) with their messages, tool ' +
        'calls, summaries and search index entries, its tokens, quota overrides and audit events. Records one ' +
        "'erase' audit event with the totals. Refuses without --yes, saying what it would delete.",
    )
    .argument('<owner>', 'the owner to erase')
    .option('--yes', 'really erase')
    .action((name: string, options: { yes?: boolean }, cmd: Command) =>
      runCommand('owner erase', () => erase(cmd.optsWithGlobals<CliFlags>(), ownerName(name), options.yes === true)),
    );
  owner
    .command('quota')
    .description(
      "Set an owner's own quotas, which win over --max-bytes-per-owner / --max-conversations-per-owner; " +
        "`default` clears one so the server default applies again. Prints the owner's usage as JSON.",
    )
    .argument('<owner>', 'the owner')
    .option('--max-bytes <n|default>', 'bytes of messages the owner may store')
    .option('--max-conversations <n|default>', 'live conversations the owner may have')
    .action((name: string, options: { maxBytes?: string; maxConversations?: string }, cmd: Command) =>
      runCommand('owner quota', () => quota(cmd.optsWithGlobals<CliFlags>(), ownerName(name), options)),
    );
  owner
    .command('usage')
    .description(
      "What owners store and may store: every owner's usage, or one owner's, with the limits in force " +
        '("default" when the server-wide default applies). A table, or JSON lines with --json.',
    )
    .argument('[owner]', 'only this owner')
    .option('--json', 'one JSON object per line instead of a table')
    .action((name: string | undefined, options: { json?: boolean }, cmd: Command) =>
      runCommand('owner usage', () =>
        usage(cmd.optsWithGlobals<CliFlags>(), name === undefined ? undefined : ownerName(name), options),
      ),
    );
  return owner;
}

async function erase(flags: CliFlags, owner: string, yes: boolean): Promise<void> {
  await withMaintenance(flags, async (m) => {
    if (!yes) {
      const h = await m.holdings(owner);
      throw new CommandError(
        `would delete everything of owner "${owner}": ${h.conversations} conversations (${h.trashed} in the trash) ` +
          `with ${h.messages} messages (${h.bytes} bytes), ${h.tokens} tokens, ${h.auditEvents} audit events, ` +
          'and its quota overrides. Nothing was deleted: run again with --yes to erase.',
      );
    }
    const erased = await m.erase(owner);
    process.stdout.write(
      `${JSON.stringify({
        owner,
        conversations: erased.conversations,
        messages: erased.messages,
        bytes: erased.bytes,
        tokens: erased.tokens,
        audit_events: erased.auditEvents,
      })}\n`,
    );
    process.stderr.write(`erased owner "${owner}": ${erased.conversations} conversations, ${erased.tokens} tokens\n`);
  });
}

async function quota(
  flags: CliFlags,
  owner: string,
  options: { maxBytes?: string; maxConversations?: string },
): Promise<void> {
  if (options.maxBytes === undefined && options.maxConversations === undefined) {
    throw new CommandError(
      'name --max-bytes and/or --max-conversations (a number, or `default`); `owner usage` shows the current quotas',
    );
  }
  const change = {
    ...(options.maxBytes !== undefined && { maxBytes: quotaValue('--max-bytes', options.maxBytes) }),
    ...(options.maxConversations !== undefined && {
      maxConversations: quotaValue('--max-conversations', options.maxConversations, 2_147_483_647),
    }),
  };
  const usage = await withMaintenance(flags, (m) => m.setQuota(owner, change));
  process.stdout.write(`${JSON.stringify(asJson(usage))}\n`);
}

async function usage(flags: CliFlags, owner: string | undefined, options: { json?: boolean }): Promise<void> {
  const owners = await withMaintenance(flags, async (m) => {
    if (owner !== undefined) return [await m.usage(owner)];
    const all: OwnerUsageView[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await m.listUsage({ ...(after !== undefined && { after }), limit: PAGE });
      all.push(...page.owners);
      if (page.next === null) return all;
      after = page.next;
    }
  });
  if (options.json === true) {
    for (const u of owners) process.stdout.write(`${JSON.stringify(asJson(u))}\n`);
    return;
  }
  if (owners.length === 0) {
    process.stderr.write('no owners yet: an owner appears with its first write\n');
    return;
  }
  process.stdout.write(table(owners));
}

/** `default` clears the override; otherwise a whole number from 0 (0: nothing more may be stored). */
function quotaValue(flag: string, value: string, max = Number.MAX_SAFE_INTEGER): number | null {
  if (value.trim().toLowerCase() === 'default') return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) {
    throw new CommandError(`${flag}: "${value}" is neither a whole number from 0 to ${max} nor \`default\``);
  }
  return n;
}

function ownerName(value: string): string {
  const parsed = ownerSchema.safeParse(value);
  if (!parsed.success) throw new CommandError(`owner: ${parsed.error.issues[0]?.message ?? 'not an owner name'}`);
  return parsed.data;
}

function asJson(u: OwnerUsageView) {
  return {
    owner: u.owner,
    conversations: u.conversations,
    bytes: u.bytes,
    max_conversations: u.maxConversations,
    max_bytes: u.maxBytes,
    max_conversations_override: u.maxConversationsOverride,
    max_bytes_override: u.maxBytesOverride,
  };
}

function table(owners: OwnerUsageView[]): string {
  const limit = (effective: number | null, override: number | null) =>
    effective === null ? 'unlimited' : override === null ? `${effective} (default)` : String(effective);
  const rows = [
    ['OWNER', 'CONVERSATIONS', 'MAX_CONVERSATIONS', 'BYTES', 'MAX_BYTES'],
    ...owners.map((u) => [
      u.owner,
      String(u.conversations),
      limit(u.maxConversations, u.maxConversationsOverride),
      String(u.bytes),
      limit(u.maxBytes, u.maxBytesOverride),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
