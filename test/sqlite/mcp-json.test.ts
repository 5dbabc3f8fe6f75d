import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';
import { requireBuiltCli } from '../support/spawn.js';

/**
 * The repository's top-level mcp.json works from the repository root, as docs/clients.md says
 * (`claude --mcp-config mcp.json`, the inspector's `--config mcp.json`): its command and args,
 * started there exactly as written, serve MCP. Only the database is pointed at a temp file, so
 * the test never touches the user's default one.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('mcp.json', () => {
  it('starts a working server from the repository root', async () => {
    requireBuiltCli();
    const config = JSON.parse(readFileSync(join(ROOT, 'mcp.json'), 'utf8')) as {
      mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }>;
    };
    const server = config.mcpServers['chat-history']!;
    const { dir, cleanup } = tempDir();
    const client = new Client({ name: 'mcp-json-test', version: '1.0.0' });
    try {
      await client.connect(
        new StdioClientTransport({
          command: server.command,
          args: server.args,
          cwd: ROOT,
          env: { ...(process.env as Record<string, string>), ...server.env, CHAT_HISTORY_DB: join(dir, 'h.db') },
          stderr: 'ignore',
        }),
      );
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(17);
      const created = await client.callTool({ name: 'create_conversation', arguments: { key: 'from-mcp-json' } });
      expect(created.isError).toBeFalsy();
    } finally {
      await client.close();
      cleanup();
    }
  });
});
