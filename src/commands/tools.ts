import { Command } from 'commander';
import { type CliFlags, loadConfig } from '../config.js';
import { isProviderFormat, PROVIDER_FORMATS } from '../mcp/provider-formats.js';
import { CommandError, runCommand } from './run-command.js';

/**
 * `tools [--format F]`: the tool definitions the server would list (same --toolsets,
 * --read-only and limits), as JSON on stdout in a model provider's request shape — for an
 * agent that calls a provider itself. Opens no database.
 */
export function toolsCommand(): Command {
  return new Command('tools')
    .description(
      'Print the tool definitions the server lists (with the same --toolsets, --read-only and limits) as JSON, ' +
        'in the request shape of a model provider. openai-strict sends with strict: true the tools that have a ' +
        'strict form, and names the others on stderr.',
    )
    .option('--format <format>', `${PROVIDER_FORMATS.join(' | ')} (default mcp)`, 'mcp')
    .action((options: { format: string }, cmd: Command) =>
      runCommand('tools', () => printTools(cmd.optsWithGlobals<CliFlags>(), options.format)),
    );
}

async function printTools(flags: CliFlags, format: string): Promise<void> {
  if (!isProviderFormat(format)) throw new CommandError(`--format must be one of ${PROVIDER_FORMATS.join(', ')}`);
  const config = loadConfig(flags);
  // Loaded here: the other commands need none of the tool modules.
  const { listedTools, providerDefinitions } = await import('../mcp/tool-definitions.js');
  const tools = listedTools({ readOnly: config.readOnly, toolsets: config.toolsets }, config.limits);
  const { definitions, notes } = providerDefinitions(tools, format);
  for (const note of notes) process.stderr.write(`${note}\n`);
  process.stdout.write(`${JSON.stringify(definitions, null, 2)}\n`);
}
