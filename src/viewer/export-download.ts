import type { Response } from 'express';
import type { OwnerHistory } from '../history/store.js';
import { exportWhole } from '../history/transfer/export-whole.js';
import type { ExportFormat } from '../history/transfer/formats/format.js';

/**
 * Pages one download may hold (about 80 KB each: ~20 MB). The whole export is assembled in
 * memory before it is sent (the anthropic format merges turns across pages), so the viewer
 * bounds it; the CLI `export` has no such limit.
 */
const MAX_PAGES = 256;

const FILES: Record<ExportFormat, { type: string; extension: string }> = {
  json: { type: 'application/json', extension: 'json' },
  markdown: { type: 'text/markdown; charset=utf-8', extension: 'md' },
  openai: { type: 'application/json', extension: 'openai.json' },
  anthropic: { type: 'application/json', extension: 'anthropic.json' },
};

/** The whole conversation in one export format, sent as a file (the same pages export_conversation gives). */
export async function exportForDownload(
  history: OwnerHistory,
  conversationId: string,
  format: unknown,
  res: Response,
): Promise<void> {
  // export_conversation checks the format (and the conversation) before anything else.
  const f = format as ExportFormat;
  const whole = await exportWhole(history, conversationId, f, MAX_PAGES);
  const body = 'text' in whole ? whole.text : `${JSON.stringify(whole.data, null, 2)}\n`;
  // Ids are ASCII (UUID v7), so the file name needs no encoding.
  const name = `${conversationId.replace(/[^A-Za-z0-9-]/g, '_')}.${FILES[f].extension}`;
  res
    .set({ 'Cache-Control': 'no-store', 'Content-Disposition': `attachment; filename="${name}"` })
    .type(FILES[f].type)
    .send(body);
}
