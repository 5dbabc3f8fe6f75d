import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import type { Limits } from '../history/core/limits.js';
import { openAiStrictSchema } from './openai-strict.js';
import type { ProviderFormat } from './provider-formats.js';
import { type ListedTool, publishedTool } from './published-schema.js';
import { describeTool } from './tools/define-tool.js';
import { type ToolSelection, toolsFor } from './tools/index.js';

/**
 * The tool definitions of `chat-history-mcp tools`: what tools/list publishes, made without a
 * server or a database, in the request shape of a model provider, for agents that call a
 * provider directly. test/tools/tool-definitions.test.ts checks `mcp` against a real server.
 */

/** The tools a server with this selection and these limits lists, as it publishes them. */
export function listedTools(selection: ToolSelection, limits: Limits): ListedTool[] {
  const tools = toolsFor(selection);
  const offered = new Set(tools.map((t) => t.name));
  // The SDK's own zod → JSON Schema conversion, with the options its tools/list handler uses.
  return tools.map((t) =>
    publishedTool({
      name: t.name,
      title: t.title,
      description: describeTool(t, offered),
      inputSchema: toJsonSchemaCompat(t.inputSchema(limits), { strictUnions: true, pipeStrategy: 'input' }),
      outputSchema: toJsonSchemaCompat(t.outputSchema, { strictUnions: true, pipeStrategy: 'output' }),
      annotations: t.annotations,
    }),
  );
}

/**
 * The definitions in one provider's shape, and notes for the person reading them (which tools
 * have no strict form, and why). Descriptions and schemas are the published ones unchanged.
 */
export function providerDefinitions(
  tools: readonly ListedTool[],
  format: ProviderFormat,
): { definitions: unknown[]; notes: string[] } {
  const notes: string[] = [];
  const describe = (t: ListedTool) => ({ name: t.name, description: t.description as string });
  const definitions = tools.map((t): unknown => {
    if (format === 'mcp') return t;
    if (format === 'anthropic') return { ...describe(t), input_schema: t.inputSchema };
    // A tool without arguments declares no parameters: Gemini refuses an object without properties.
    if (format === 'gemini')
      return { ...describe(t), ...(hasArguments(t.inputSchema) && { parameters: t.inputSchema }) };
    const strict = format === 'openai-strict' ? openAiStrictSchema(t.inputSchema) : undefined;
    if (strict !== undefined && 'schema' in strict)
      return { type: 'function', function: { ...describe(t), parameters: strict.schema, strict: true } };
    if (strict !== undefined) notes.push(`${t.name}: not strict (${strict.blocker})`);
    return { type: 'function', function: { ...describe(t), parameters: t.inputSchema } };
  });
  return { definitions, notes };
}

function hasArguments(schema: { properties?: unknown }): boolean {
  return (
    typeof schema.properties === 'object' && schema.properties !== null && Object.keys(schema.properties).length > 0
  );
}
