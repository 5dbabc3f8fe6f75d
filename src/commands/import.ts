import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { CliFlags } from '../config.js';
import { HistoryError } from '../history/core/errors.js';
// format.js, not index.js: the list of names, without loading every parser to show --help.
import { IMPORT_FORMATS, type ImportFormat } from '../history/transfer/formats/format.js';
import { progress } from './progress.js';
import { CommandError, openHistory, runCommand } from './run-command.js';

interface ImportOptions {
  format?: ImportFormat;
}

export function importCommand(): Command {
  return new Command('import')
    .description(
      'Create conversations from FILE ("-" reads stdin): a json export of one conversation or the output of ' +
        '`export --all`, an OpenAI messages array, or an Anthropic { system, messages } object. Each conversation is ' +
        'imported whole or not at all. Prints one JSON line per new conversation.',
    )
    .argument('<file>', 'the file to import')
    .addOption(
      new Option('--format <format>', 'format of FILE (inferred from its content when omitted)').choices(
        IMPORT_FORMATS,
      ),
    )
    .action((file: string, options: ImportOptions, cmd: Command) =>
      runCommand('import', () => importAction(file, options, cmd.optsWithGlobals<CliFlags>())),
    );
}

async function importAction(file: string, options: ImportOptions, flags: CliFlags): Promise<void> {
  const data = readJson(file);
  const { JSON_FORMAT_TAG } = await import('../history/transfer/formats/json.js');
  const format = options.format ?? inferFormat(data, JSON_FORMAT_TAG);
  if (format === undefined)
    throw new CommandError(`cannot tell the format of ${file}: pass --format ${IMPORT_FORMATS.join('|')}`);
  // The --all document holds many conversations; each is imported on its own, oldest
  // activity first, so that the restored list shows them in the original order.
  const all = format === 'json' && isObject(data) && Array.isArray(data.conversations) ? data : undefined;
  const entries = all?.conversations as unknown[] | undefined;
  const items =
    all === undefined
      ? [data]
      : entries!.map((e) => (isObject(e) ? { format: all.format, version: all.version, ...e } : e)).reverse();

  const { history, close } = await openHistory(flags);
  try {
    const bar = progress('imported', items.length);
    if (items.length === 0) bar.tick(0);
    for (const [done, item] of items.entries()) {
      try {
        const c = await history.importConversation({ format, data: item });
        // Not MCP mode: a command's result goes to stdout, one JSON line per conversation.
        process.stdout.write(
          `${JSON.stringify({ conversation_id: c.id, message_count: c.message_count, key: c.key, title: c.title })}\n`,
        );
      } catch (err) {
        if (!(err instanceof HistoryError) || entries === undefined) throw err;
        const index = entries.length - 1 - done;
        throw new CommandError(
          `conversations[${index}]: ${err.message}\n(${done} of ${items.length} conversations were imported before this one)`,
        );
      }
      bar.tick(done + 1);
    }
  } finally {
    await close();
  }
}

function readJson(file: string): Record<string, unknown> | unknown[] | null {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CommandError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    // Editors on Windows (and PowerShell's Out-File) start UTF-8 files with a byte-order mark.
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as Record<string, unknown> | unknown[] | null;
  } catch {
    throw new CommandError(
      `${file} is not JSON: import reads ${IMPORT_FORMATS.join(', ')} (markdown cannot be imported)`,
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Our json carries its format tag; a bare array is OpenAI's; `system` at the top or
 * tool_use/tool_result blocks mean Anthropic. A plain { messages } of text turns reads the
 * same either way and is taken as OpenAI.
 */
function inferFormat(data: unknown, jsonFormatTag: string): ImportFormat | undefined {
  if (Array.isArray(data)) return 'openai';
  if (!isObject(data)) return undefined;
  if (data.format === jsonFormatTag) return 'json';
  if (!Array.isArray(data.messages)) return undefined;
  if (typeof data.system === 'string' || Array.isArray(data.system)) return 'anthropic';
  const anthropicBlock = (b: unknown) => isObject(b) && (b.type === 'tool_use' || b.type === 'tool_result');
  const isAnthropic = data.messages.some(
    (m) => isObject(m) && Array.isArray(m.content) && m.content.some(anthropicBlock),
  );
  return isAnthropic ? 'anthropic' : 'openai';
}
