import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema, type ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { publishedTool } from './published-schema.js';

type Handler = (request: unknown, extra: unknown) => Promise<unknown>;

/**
 * Answers of tools/list, one per variant (see `variantKey`), for the life of the process.
 *
 * Why: McpServer converts every zod input and output schema to JSON Schema on EVERY
 * tools/list (measured ~25–45 ms per call on 2 cores, ~100 ms for the first), and over HTTP a
 * server is built per owner (server-pool.ts), so without this each owner's first list paid
 * it again. The list is fixed once the tools are registered: it depends only on the
 * registered definitions (TOOLS, static), read-only mode and the limits the input schemas
 * state. Bounded: one entry per variant, and a process runs one or two.
 */
const answers = new Map<string, Promise<ListToolsResult>>();
/** The same answers as JSON text, for the HTTP transport's shortcut (transports/http-tool-list.ts). */
const answersJson = new Map<string, string>();
/** How many times the SDK's handler ran (tests check the list is computed once per variant). */
let computed = 0;

/**
 * Everything a tool list depends on besides the static tool definitions: which tools are
 * offered (toolsets, read-only mode; descriptions mention only offered tools) and the limits.
 */
export function variantKey(options: { tools: readonly string[]; limits: object }): string {
  return `${options.tools.join(',')}:${JSON.stringify(options.limits)}`;
}

/**
 * Serve this server's tools/list from the per-process answer of its variant. The answer is
 * what the SDK's own handler (the one McpServer registered, over the same registered tools)
 * returned the first time it ran — so it cannot disagree with what the SDK would send — with
 * its schemas in their published form (published-schema.ts), deep-frozen, because an in-memory transport hands the very object to the client.
 *
 * Call after every tool is registered, and before checkRequestParams (which wraps the handler
 * this installs like any other). The handler map is not public SDK API: if it moves, this
 * throws at createServer, so every test notices.
 */
export function cacheToolList(server: Server, variant: string): void {
  const handlers = (server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  const sdkHandler = handlers instanceof Map ? (handlers.get('tools/list') as Handler | undefined) : undefined;
  if (sdkHandler === undefined) {
    throw new Error(
      'the MCP SDK no longer keeps a tools/list handler in Protocol._requestHandlers: update src/mcp/tool-list.ts',
    );
  }
  server.setRequestHandler(ListToolsRequestSchema, (request, extra) => {
    let answer = answers.get(variant);
    if (answer === undefined) {
      computed++;
      answer = (sdkHandler(request, extra) as Promise<ListToolsResult>).then((sdkResult) => {
        const result = published(sdkResult);
        answersJson.set(variant, JSON.stringify(result));
        return deepFreeze(result);
      });
      // A failure is not kept: the next call computes again.
      answer.catch(() => {
        answers.delete(variant);
        answersJson.delete(variant);
      });
      answers.set(variant, answer);
    }
    return answer;
  });
}

/** The SDK's list with each tool in its published form (published-schema.ts). */
function published(result: ListToolsResult): ListToolsResult {
  return { ...result, tools: result.tools.map((tool) => publishedTool(tool) as ListToolsResult['tools'][number]) };
}

/** Forget every cached answer (tests that compare against a freshly computed list). */
export function clearToolListCache(): void {
  answers.clear();
  answersJson.clear();
}

/**
 * A variant's tools/list result as JSON text, exactly as the SDK's transports serialize it;
 * undefined until a server of this process has answered one tools/list of that variant.
 */
export function toolListJson(variant: string): string | undefined {
  return answersJson.get(variant);
}

/** Times a tool list was computed by the SDK in this process, and the variants held. */
export function toolListStats(): { computed: number; variants: number } {
  return { computed, variants: answers.size };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
