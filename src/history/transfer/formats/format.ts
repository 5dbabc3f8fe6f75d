import type { z } from 'zod';
import type { ConversationView } from '../../conversations/schemas.js';
import { parseInput } from '../../core/validate.js';
import type { MessageView } from '../../messages/schemas.js';

/** Formats export_conversation renders; import_conversation reads all of them but markdown. */
export const EXPORT_FORMATS = ['json', 'markdown', 'openai', 'anthropic'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const IMPORT_FORMATS = ['json', 'openai', 'anthropic'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One page of a conversation as a renderer sees it. */
export interface PageSource {
  conversation: ConversationView;
  messages: readonly MessageView[];
  /** The page starts at seq 1 (markdown prints the title only there). */
  first: boolean;
}

/** A rendered page: JSON data (json, openai, anthropic) or text (markdown). */
export type Rendered = { data: unknown } | { text: string };

export interface Renderer {
  render(page: PageSource): Rendered;
  /**
   * May a page end after `before` (the page so far, non-empty) when `next` comes next, such
   * that a client concatenating the pages gets exactly the unpaged rendering? Pages end at
   * such points whenever the byte budget allows.
   */
  canBreak(before: readonly MessageView[], next: MessageView): boolean;
}

/** UTF-8 bytes of a rendered page: what the page budget bounds. */
export function renderedBytes(r: Rendered): number {
  return Buffer.byteLength('text' in r ? r.text : JSON.stringify(r.data), 'utf8');
}

/** What a parser makes of foreign data, before the message rules are applied. */
export interface ParsedImport {
  conversation: {
    title?: string | null;
    key?: string | null;
    metadata?: unknown;
    createdAt?: Date;
    updatedAt?: Date;
  };
  /** Candidate messages, validated afterwards with the same schema as append_messages. */
  messages: unknown[];
  /** Per message: the stored created_at, when the format carries one. */
  createdAt: ReadonlyArray<Date | undefined>;
  /** Where in `data` the field `messages[i].<rest>` came from, for error messages. */
  pathOf(i: number, rest: readonly PropertyKey[]): PropertyKey[];
}

/** Keep tool results on the page of the call they answer (every format but anthropic). */
export function breakBeforeNonTool(_before: readonly MessageView[], next: MessageView): boolean {
  return next.role !== 'tool';
}

/** Parse a part of import `data` found at `at`, with errors naming their full path. */
export function parseAt<S extends z.ZodType>(schema: S, value: unknown, at: readonly PropertyKey[]): z.output<S> {
  return parseInput(schema, value, (p) => [...at, ...p]);
}
