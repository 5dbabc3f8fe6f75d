import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Limits } from '../../history/core/limits.js';
import type { OwnerHistory } from '../../history/store.js';

/**
 * One MCP tool: what the client sees (name, title, description, schemas, annotations) and
 * what it does. `run` returns the structured result and its text rendering; errors are
 * thrown and turned into `isError` results by the server, in one place.
 */
export interface ToolSpec<Out extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  title: string;
  description: string;
  /**
   * Sentences that point to another tool, each added to the description only when that tool
   * is offered too (toolsets, read-only mode): a description never sends the model to a tool
   * it does not have.
   */
  seeAlso?: Readonly<Record<string, string>>;
  /** A function of the limits, so the published schema states the configured bounds. */
  inputSchema: (limits: Limits) => z.ZodObject;
  outputSchema: z.ZodObject;
  annotations: Required<Pick<ToolAnnotations, 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint'>>;
  run(history: OwnerHistory, args: unknown): Promise<{ structured: Out; text: string }>;
}

/** Annotations shared by every tool that only reads. */
export const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;

export function defineTool<Out extends Record<string, unknown>>(spec: ToolSpec<Out>): ToolSpec {
  return spec as unknown as ToolSpec;
}

/** The description a client sees, given the names of the tools the server offers. */
export function describeTool(tool: ToolSpec, offered: ReadonlySet<string>): string {
  const pointers = Object.entries(tool.seeAlso ?? {}).filter(([name]) => offered.has(name));
  return [tool.description, ...pointers.map(([, sentence]) => sentence)].join(' ');
}
