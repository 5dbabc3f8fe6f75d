import { Command } from 'commander';
import type { TokenInfo, TokenStore } from '../auth/tokens.js';
import type { CliFlags } from '../config.js';
import { createLogger } from '../logger.js';
import { CommandError, commandConfig, runCommand } from './run-command.js';

/**
 * `token create | list | revoke`: the bearer tokens of `serve --http`, kept in the same
 * database (--db / DATABASE_URL) as the history. Not MCP mode: results go to stdout.
 *
 * `--owner` is the program's global option (commander hands a subcommand's --owner to the
 * program anyway), read here through optsWithGlobals(); unlike the server, these commands
 * take it only from the command line, never from CHAT_HISTORY_OWNER or the default, so a
 * token is never created for an owner nobody typed.
 */
export function tokenCommand(): Command {
  const token = new Command('token').description('Manage the bearer tokens of the HTTP transport (`serve --http`).');
  token
    .command('create')
    .description(
      'Create a token for --owner NAME and print its secret on stdout, once: only its sha256 is stored. ' +
        'With --service the token may act for any owner named in the X-Chat-History-Owner request header.',
    )
    .usage('--owner <name> [--name <label>] [--service]')
    .option('--name <label>', 'a label to recognise the token by in `token list` (e.g. the machine)')
    .option('--service', 'a service token: may act for the owner named in the X-Chat-History-Owner header')
    .action((options: { name?: string; service?: boolean }, cmd: Command) =>
      runCommand('token create', () => create(cmd.optsWithGlobals<CliFlags>(), options)),
    );
  token
    .command('list')
    .description(
      "List tokens (never their secrets): a table, or JSON lines with --json. --owner NAME shows one owner's.",
    )
    .usage('[--owner <name>] [--json]')
    .option('--json', 'one JSON object per line instead of a table')
    .action((options: { json?: boolean }, cmd: Command) =>
      runCommand('token list', () => list(cmd.optsWithGlobals<CliFlags>(), options)),
    );
  token
    .command('revoke')
    .description('Revoke a token by its id (from `token list`); it stops working at once. Revoking twice is fine.')
    .argument('<id>', 'the token id, e.g. tok_AbC…')
    .action((id: string, _options: unknown, cmd: Command) =>
      runCommand('token revoke', () => revoke(cmd.optsWithGlobals<CliFlags>(), id)),
    );
  return token;
}

async function withTokens<T>(flags: CliFlags, body: (tokens: TokenStore) => Promise<T>): Promise<T> {
  // Quiet unless asked: a command's own output should not be buried in start-up logs.
  const config = commandConfig(flags);
  // Loaded when a token command runs, not when the program starts (cli.ts imports every command).
  const [{ openStore }, { TokenError, TokenStore }] = await Promise.all([
    import('../open-store.js'),
    import('../auth/tokens.js'),
  ]);
  const { db, close } = await openStore(config, createLogger(config.logLevel));
  try {
    return await body(new TokenStore(db));
  } catch (err) {
    if (err instanceof TokenError) throw new CommandError(err.message);
    throw err;
  } finally {
    await close();
  }
}

async function create(flags: CliFlags, options: { name?: string; service?: boolean }): Promise<void> {
  if (flags.owner === undefined) throw new CommandError('--owner NAME is required: whose memory the token reaches');
  const { secret, token } = await withTokens(flags, (tokens) =>
    tokens.create({
      owner: flags.owner!,
      ...(options.name !== undefined && { name: options.name }),
      service: options.service === true,
    }),
  );
  process.stdout.write(`${secret}\n`);
  const kind = token.service ? 'service token' : 'token';
  process.stderr.write(
    `created ${kind} ${token.id} for owner "${token.owner}". The secret above is shown only this once: ` +
      'store it now (send it as Authorization: Bearer <secret>).\n',
  );
}

async function list(flags: CliFlags, options: { json?: boolean }): Promise<void> {
  const tokens = await withTokens(flags, (t) => t.list(flags.owner === undefined ? {} : { owner: flags.owner }));
  if (options.json === true) {
    for (const t of tokens) process.stdout.write(`${JSON.stringify(asJson(t))}\n`);
    return;
  }
  if (tokens.length === 0) {
    process.stderr.write('no tokens: create one with `chat-history-mcp token create --owner NAME`\n');
    return;
  }
  process.stdout.write(table(tokens));
}

async function revoke(flags: CliFlags, id: string): Promise<void> {
  const token = await withTokens(flags, (t) => t.revoke(id));
  process.stdout.write(`revoked ${token.id} (owner "${token.owner}") at ${token.revokedAt!.toISOString()}\n`);
}

function asJson(t: TokenInfo) {
  return {
    id: t.id,
    owner: t.owner,
    name: t.name,
    service: t.service,
    created_at: t.createdAt.toISOString(),
    revoked_at: t.revokedAt?.toISOString() ?? null,
  };
}

function table(tokens: TokenInfo[]): string {
  const rows = [
    ['ID', 'OWNER', 'NAME', 'KIND', 'CREATED', 'STATUS'],
    ...tokens.map((t) => [
      t.id,
      t.owner,
      t.name ?? '-',
      t.service ? 'service' : 'owner',
      t.createdAt.toISOString(),
      t.revokedAt === null ? 'active' : `revoked ${t.revokedAt.toISOString()}`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') +
    '\n'
  );
}
