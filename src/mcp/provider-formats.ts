/**
 * The request shapes `chat-history-mcp tools --format` prints (tool-definitions.ts). Plain data
 * with no imports, so the CLI checks a format without loading a tool.
 */
export const PROVIDER_FORMATS = ['mcp', 'anthropic', 'openai', 'openai-strict', 'gemini'] as const;
export type ProviderFormat = (typeof PROVIDER_FORMATS)[number];

export function isProviderFormat(format: string): format is ProviderFormat {
  return (PROVIDER_FORMATS as readonly string[]).includes(format);
}
