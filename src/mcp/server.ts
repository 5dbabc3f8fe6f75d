import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JsonSchemaType, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Actor } from '../history/core/actor.js';
import type { OwnerHistory } from '../history/store.js';
import type { Logger } from '../logger.js';
import { serverInstructions } from './instructions.js';
import { checkRequestParams } from './params-check.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { budgetedResult } from './response-guard.js';
import { toolError } from './results.js';
import { cacheToolList, variantKey } from './tool-list.js';
import { describeTool, type ToolSpec } from './tools/define-tool.js';
import { toolsFor } from './tools/index.js';
import type { ToolsetName } from './toolsets.js';

export interface ServerDeps {
  /** One owner's memory: the server can reach no other owner's data. */
  history: OwnerHistory;
  logger: Logger;
  version: string;
  /** Register only the tools annotated readOnlyHint. */
  readOnly?: boolean;
  /** Offer only the tools of these toolsets (default: all). */
  toolsets?: readonly ToolsetName[];
}

/**
 * Build an MCP server over one owner's history. Nothing is started here: the caller connects
 * a transport (stdio, HTTP, or an in-memory pair in tests) and calls close() when done.
 */
export function createServer(deps: ServerDeps): { server: McpServer; close: () => Promise<void> } {
  const readOnly = deps.readOnly ?? false;
  const tools = toolsFor({ readOnly, toolsets: deps.toolsets ?? ['all'] });
  // Instructions, descriptions, prompts and resources mention only tools in this set.
  const offered: ReadonlySet<string> = new Set(tools.map((t) => t.name));
  const server = new McpServer(
    { name: 'chat-history-mcp', version: deps.version },
    {
      instructions: serverInstructions(offered, readOnly),
      // Bounds the work of validating hostile arguments before any schema runs.
      maxToolInputElements: 100_000,
      jsonSchemaValidator: sharedValidator,
    },
  );
  for (const tool of tools) registerTool(server, tool, describeTool(tool, offered), deps);
  registerResources(server, { ...deps, offered });
  registerPrompts(server, { ...deps, offered });
  cacheToolList(server.server, toolListVariant(tools, deps.history.limits));
  // Last: it covers exactly the handlers registered above.
  checkRequestParams(server.server);
  return { server, close: () => server.close() };
}

/** The tools/list cache's key for a server offering these tools (tool-list.ts). */
export function toolListVariant(tools: readonly ToolSpec[], limits: ServerDeps['history']['limits']): string {
  return variantKey({ tools: tools.map((t) => t.name), limits });
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

/**
 * Who makes a call, for the audit trail: over HTTP the transport put the token's actor in the
 * request's auth info (transports/http.ts); on stdio it is the local user, named by the MCP
 * client's name/version from initialize.
 */
function callerOf(server: McpServer, authInfo: { extra?: Record<string, unknown> } | undefined): Actor {
  const actor = authInfo?.extra?.actor as Actor | undefined;
  if (actor !== undefined) return actor;
  const client = server.server.getClientVersion();
  return { kind: 'local', ...(client !== undefined && { name: `${client.name}/${client.version}` }) };
}

function registerTool(server: McpServer, tool: ToolSpec, description: string, { history, logger }: ServerDeps): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description,
      inputSchema: tool.inputSchema(history.limits),
      outputSchema: tool.outputSchema,
      annotations: tool.annotations,
    },
    async (args: unknown, extra) => {
      const started = performance.now();
      try {
        const { structured, text } = await tool.run(history.as(callerOf(server, extra.authInfo)), args);
        logger.debug({ tool: tool.name, ms: +(performance.now() - started).toFixed(2) }, 'tool call');
        return budgetedResult(structured, text, history.limits.maxResponseBytes);
      } catch (err) {
        return toolError(err, tool.name, logger);
      }
    },
  );
}
