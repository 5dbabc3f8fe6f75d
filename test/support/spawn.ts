import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type Connected, clientApi } from './harness.js';

/** The BUILT entry point, as `npx chat-history-mcp` or Claude Desktop runs it. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} is missing: run the tests with \`npm test\` (it runs \`npm run build\` first), or \`npm run build\`.`,
    );
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Running extends Connected {
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Resolves when the server process has exited. */
  exited: Promise<Exit>;
  /** Transport errors the client saw, e.g. a stdout line that is not JSON-RPC (the SDK only reports those). */
  errors: Error[];
  /** The server process itself, for tests that kill it (crash safety). */
  child: ChildProcess;
}

/**
 * Spawn the built server on `dbPath` and connect a real SDK Client to it over stdio.
 * `shellPrefix` runs it through bash after that shell code, e.g. `ulimit -f 1024`.
 */
export async function startServer(
  dbPath: string,
  extraArgs: string[] = ['--log-level', 'debug'],
  options: { shellPrefix?: string } = {},
): Promise<Running> {
  requireBuiltCli();
  const argv = [process.execPath, CLI, '--db', dbPath, ...extraArgs];
  const transport = new StdioClientTransport({
    ...(options.shellPrefix === undefined
      ? { command: argv[0]!, args: argv.slice(1) }
      : { command: 'bash', args: ['-c', `${options.shellPrefix}\nexec "$0" "$@"`, ...argv] }),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  try {
    await client.connect(transport);
  } catch (err) {
    // A server that exits while starting says why only on stderr: carry it into the failure.
    await new Promise((resolve) => setTimeout(resolve, 100));
    throw new Error(`the server did not start (${(err as Error).message}); its stderr:\n${stderr.slice(-3000)}`, {
      cause: err,
    });
  }

  // The transport keeps its child private; the exit code is what these tests are about.
  const child = (transport as unknown as { _process?: ChildProcess })._process;
  if (child === undefined) throw new Error('StdioClientTransport no longer exposes _process: update this helper');
  const exited = new Promise<Exit>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  return { ...clientApi(client, () => client.close()), stderr: () => stderr, exited, errors, child };
}
