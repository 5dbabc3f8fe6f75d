import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JsonSchemaType, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { OwnerHistory } from '../history/store.js';
import type { Logger } from '../logger.js';
import { checkRequestParams } from './params-check.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { budgetedResult } from './response-guard.js';
import { toolError } from './results.js';
import { cacheToolList, variantKey } from './tool-list.js';
import type { ToolSpec } from './tools/define-tool.js';
import { toolsFor } from './tools/index.js';

export interface ServerDeps {
  /** One owner's memory: the server can reach no other owner's data. */
  history: OwnerHistory;
  logger: Logger;
  version: string;
  /** Register only the tools annotated readOnlyHint. */
  readOnly?: boolean;
}

const INSTRUCTIONS = `Durable conversation memory. Typical use: create_conversation with a stable key
(get-or-create), append_messages after each turn (tool calls and their results included), then
get_context to rebuild a prompt within a token budget (set_summary lets a summary stand in for
older turns), search_messages to find what was said anywhere, and get_history or
list_conversations to browse. Messages come back exactly as stored, ordered by seq.`;

/**
 * Build an MCP server over one owner's history. Nothing is started here: the caller connects
 * a transport (stdio, HTTP, or an in-memory pair in tests) and calls close() when done.
 */
export function createServer(deps: ServerDeps): { server: McpServer; close: () => Promise<void> } {
  const server = new McpServer(
    { name: 'chat-history-mcp', version: deps.version },
    {
      instructions: INSTRUCTIONS,
      // Bounds the work of validating hostile arguments before any schema runs.
      maxToolInputElements: 100_000,
      jsonSchemaValidator: sharedValidator,
    },
  );
  const readOnly = deps.readOnly ?? false;
  for (const tool of toolsFor({ readOnly })) registerTool(server, tool, deps);
  registerResources(server, deps);
  registerPrompts(server, { ...deps, readOnly });
  cacheToolList(server.server, variantKey({ readOnly, limits: deps.history.limits }));
  // Last: it covers exactly the handlers registered above.
  checkRequestParams(server.server);
  return { server, close: () => server.close() };
}

/**
 * The SDK's Server builds an Ajv instance per server (~3 ms for the first, ~0.2 ms each
 * after: over HTTP a server is built per owner) for one purpose, checking elicitation
 * answers, which this server never asks for. One instance, made on first use, serves all.
 */
let ajv: AjvJsonSchemaValidator | undefined;
const sharedValidator: jsonSchemaValidator = {
  getValidator: <T>(schema: JsonSchemaType) => {
    ajv ??= new AjvJsonSchemaValidator();
    return ajv.getValidator<T>(schema);
  },
};

function registerTool(server: McpServer, tool: ToolSpec, { history, logger }: ServerDeps): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema(history.limits),
      outputSchema: tool.outputSchema,
      annotations: { title: tool.title, ...tool.annotations },
    },
    async (args: unknown) => {
      const started = performance.now();
      try {
        const { structured, text } = await tool.run(history, args);
        logger.debug({ tool: tool.name, ms: +(performance.now() - started).toFixed(2) }, 'tool call');
        return budgetedResult(structured, text, history.limits.maxResponseBytes);
      } catch (err) {
        return toolError(err, tool.name, logger);
      }
    },
  );
}
