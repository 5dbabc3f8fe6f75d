import { Command, Option } from 'commander';
import type { CliFlags } from '../config.js';
import type { OwnerHistory } from '../history/store.js';
// format.js, not index.js: the list of names, without loading every renderer to show --help.
import { EXPORT_FORMATS, type ExportFormat } from '../history/transfer/formats/format.js';
import { CommandError, openHistory, runCommand } from './run-command.js';

interface ExportOptions {
  format: ExportFormat;
  output?: string;
  all?: boolean;
}

export function exportCommand(): Command {
  return new Command('export')
    .description(
      'Write a conversation (or, with --all, every conversation of the owner) to stdout or a file. ' +
        '--all takes json (one document: { format, version, conversations: [...] }, what `import` reads) or markdown.',
    )
    .argument('[conversation-id]', 'the conversation to export')
    .option('--all', 'export every conversation of the owner')
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('json'))
    .option(
      '-o, --output <file>',
      'write to this file instead of stdout; an existing file is replaced only once the export is complete',
    )
    .action((id: string | undefined, options: ExportOptions, cmd: Command) =>
      runCommand('export', () => exportAction(id, options, cmd.optsWithGlobals<CliFlags>())),
    );
}

async function exportAction(id: string | undefined, options: ExportOptions, flags: CliFlags): Promise<void> {
  if ((id === undefined) === (options.all !== true))
    throw new CommandError('give a conversation id or --all (not both)');
  const all = options.all === true;
  if (all && options.format !== 'json' && options.format !== 'markdown') {
    throw new CommandError(`--all writes json or markdown; export ${options.format} one conversation at a time`);
  }
  // Loaded only when exporting: cli.ts imports every command to build its --help.
  const [{ createAtomicFile }, { writeExport }] = await Promise.all([
    import('./atomic-file.js'),
    import('./export-writer.js'),
  ]);
  // The file first: a path that cannot be written fails before any reading. It replaces the
  // old file only when complete (atomic-file.ts).
  const file = options.output === undefined ? undefined : await createAtomicFile(options.output);
  try {
    // Read-only: export works on a database this user can only read (see OpenDatabaseOptions).
    const { history, close } = await openHistory(flags, { readOnly: true, upgradeIfWritable: true });
    try {
      const ids = id === undefined ? await allConversationIds(history) : [id];
      await writeExport({ history, ids, format: options.format, all, out: file?.stream ?? process.stdout });
    } finally {
      await close();
    }
    await file?.commit();
  } catch (err) {
    if (file !== undefined) {
      await file.abort();
      process.stderr.write(
        `chat-history-mcp export: ${options.output} ${file.existed ? 'was left as it was' : 'was not created'}\n`,
      );
    }
    throw err;
  }
}

/** Ids first, so the set (and the progress total) is fixed before the long part starts. */
async function allConversationIds(history: OwnerHistory): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await history.listConversations({ limit: 100, ...(cursor && { cursor }) });
    ids.push(...page.conversations.map((c) => c.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}
