import { HistoryError } from '../core/errors.js';
import type { OwnerHistory } from '../store.js';
import { concatPages, type ExportFormat, type Rendered } from './formats/index.js';

/**
 * Every page of one export, concatenated as the tool's description tells clients to: what the
 * CLI writes to a file and the web viewer sends as a download. `maxPages` bounds what is held
 * in memory at once (a page is about 80 KB): past it the export is refused with advice.
 */
export async function exportWhole(
  history: OwnerHistory,
  conversationId: string,
  format: ExportFormat,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<Rendered> {
  const pages: Rendered[] = [];
  let cursor: string | undefined;
  do {
    if (pages.length >= maxPages) {
      throw new HistoryError(
        'limit_exceeded',
        `conversation ${conversationId} is too large to download here (over ${maxPages} export pages): ` +
          'export it with `chat-history-mcp export`, which has no such limit',
        'conversation_id',
      );
    }
    const page = await history.exportConversation({
      conversation_id: conversationId,
      format,
      ...(cursor && { cursor }),
    });
    pages.push(page.text !== undefined ? { text: page.text } : { data: page.data });
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return concatPages(format, pages);
}
