import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import type { CliFlags } from '../config.js';
import { JSON_FORMAT_TAG, JSON_FORMAT_VERSION } from '../history/formats/json.js';
import { concatPages, EXPORT_FORMATS, type ExportFormat, type Rendered } from '../history/formats/index.js';
import type { OwnerHistory } from '../history/store.js';
import { CommandError, openHistory, runCommand } from './context.js';
import { progress } from './progress.js';

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
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action((id: string | undefined, options: ExportOptions, cmd: Command) =>
      runCommand('export', () => exportAction(id, options, cmd.optsWithGlobals<CliFlags>())),
    );
}

async function exportAction(id: string | undefined, options: ExportOptions, flags: CliFlags): Promise<void> {
  if ((id === undefined) === (options.all !== true)) throw new CommandError('give a conversation id or --all (not both)');
  if (options.all === true && options.format !== 'json' && options.format !== 'markdown') {
    throw new CommandError(`--all writes json or markdown; export ${options.format} one conversation at a time`);
  }
  // Read-only: export works on a database this user can only read (see OpenDatabaseOptions).
  const { history, close } = await openHistory(flags, { readOnly: true, upgradeIfWritable: true });
  try {
    const ids = id === undefined ? await allConversationIds(history) : [id];
    const out: Writable = options.output === undefined ? process.stdout : await openOutput(options.output);
    const bar = progress('exported', ids.length);
    if (ids.length === 0) bar.tick(0);
    const write = async (s: string) => {
      if (!out.write(s)) await once(out, 'drain');
    };
    if (options.all === true && options.format === 'json') {
      await write(`{"format":${JSON.stringify(JSON_FORMAT_TAG)},"version":${JSON_FORMAT_VERSION},"conversations":[`);
    }
    for (const [i, conversationId] of ids.entries()) {
      const whole = await exportWhole(history, conversationId, options.format);
      if ('text' in whole) {
        await write(`${i > 0 ? '\n---\n\n' : ''}${whole.text}`);
      } else if (options.all === true) {
        const { format: _tag, version: _version, ...entry } = whole.data as Record<string, unknown>;
        await write(`${i > 0 ? ',' : ''}\n${JSON.stringify(entry)}`);
      } else {
        await write(`${JSON.stringify(whole.data, null, 2)}\n`);
      }
      bar.tick(i + 1);
    }
    if (options.all === true && options.format === 'json') await write('\n]}\n');
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
  } finally {
    await close();
  }
}

async function openOutput(path: string): Promise<Writable> {
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new CommandError(`cannot write ${path}: ${(err as Error).message}`);
  }
  return stream;
}

/** Every page of one export, concatenated as the tool's description tells clients to. */
async function exportWhole(history: OwnerHistory, conversationId: string, format: ExportFormat): Promise<Rendered> {
  const pages: Rendered[] = [];
  let cursor: string | undefined;
  do {
    const page = await history.exportConversation({ conversation_id: conversationId, format, ...(cursor && { cursor }) });
    pages.push(page.text !== undefined ? { text: page.text } : { data: page.data });
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return concatPages(format, pages);
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
