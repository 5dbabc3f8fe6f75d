import type { ConversationView } from '../../conversations/schemas.js';
import type { MessageView } from '../../messages/schemas.js';
import { anthropicRenderer, parseAnthropic } from './anthropic.js';
import type { ExportFormat, ImportFormat, ParsedImport, Rendered, Renderer } from './format.js';
import { jsonRenderer, parseJson } from './json.js';
import { markdownRenderer } from './markdown.js';
import { openaiRenderer, parseOpenai } from './openai.js';

export * from './format.js';

export const RENDERERS: Record<ExportFormat, Renderer> = {
  json: jsonRenderer,
  markdown: markdownRenderer,
  openai: openaiRenderer,
  anthropic: anthropicRenderer,
};

export const PARSERS: Record<ImportFormat, (data: unknown) => ParsedImport> = {
  json: parseJson,
  openai: parseOpenai,
  anthropic: parseAnthropic,
};

/** A whole conversation in one piece: what the concatenated pages of an export equal. */
export function renderConversation(
  format: ExportFormat,
  conversation: ConversationView,
  messages: readonly MessageView[],
): Rendered {
  return RENDERERS[format].render({ conversation, messages, first: true });
}

interface AnthropicData {
  system?: string;
  messages: Array<{ role: string; content: unknown[] }>;
}

/**
 * What a client does with the pages of one export, in order, to get the whole conversation:
 * markdown texts are concatenated; json pages carry the same header, their `messages` arrays
 * are concatenated; openai arrays are concatenated; anthropic `messages` arrays are
 * concatenated, and when a page starts with a turn of the role the previous page ended with,
 * that turn's blocks are appended to the previous turn (pages end elsewhere whenever the
 * budget allows, so this is rare); `system` strings are joined with a blank line.
 */
export function concatPages(format: ExportFormat, pages: readonly Rendered[]): Rendered {
  if (format === 'markdown') return { text: pages.map((p) => ('text' in p ? p.text : '')).join('') };
  const datas = pages.map((p) => ('data' in p ? p.data : undefined));
  if (format === 'openai') return { data: datas.flatMap((d) => d as unknown[]) };
  if (format === 'json') {
    const first = datas[0] as Record<string, unknown>;
    return { data: { ...first, messages: datas.flatMap((d) => (d as { messages: unknown[] }).messages) } };
  }
  const system: string[] = [];
  const messages: AnthropicData['messages'] = [];
  for (const d of datas as AnthropicData[]) {
    if (d.system !== undefined) system.push(d.system);
    d.messages.forEach((turn, i) => {
      const last = messages.at(-1);
      if (i === 0 && last?.role === turn.role) last.content = [...last.content, ...turn.content];
      else messages.push({ role: turn.role, content: [...turn.content] });
    });
  }
  return { data: system.length > 0 ? { system: system.join('\n\n'), messages } : { messages } };
}
