import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { HistoryError } from '../history/core/errors.js';
import type { OwnerHistory } from '../history/store.js';
import { exportWhole } from '../history/transfer/export-whole.js';
import type { ExportFormat, Rendered } from '../history/transfer/formats/index.js';
import { JSON_FORMAT_TAG, JSON_FORMAT_VERSION } from '../history/transfer/formats/json.js';
import { progress } from './progress.js';

export interface ExportJob {
  history: OwnerHistory;
  /** The conversations, in order; with `all`, the owner's whole list (ids fixed before the long part). */
  ids: string[];
  format: ExportFormat;
  /** --all: one document of every conversation; a conversation deleted meanwhile is skipped. */
  all: boolean;
  out: Writable;
  /** Progress and skip reports (stderr). */
  log?: NodeJS.WriteStream;
}

/**
 * Write the export to `out`: one conversation as its format renders it, or with `all` every
 * conversation (json: `{ format, version, conversations: [...] }`, what `import` reads;
 * markdown: separated by rules). With `all`, a conversation deleted while the export runs is
 * left out, reported on `log` when it happens and in the closing summary: the rest is still
 * a consistent backup. Returns the ids skipped.
 */
export async function writeExport(job: ExportJob): Promise<string[]> {
  const { history, ids, format, all, out } = job;
  const log = job.log ?? process.stderr;
  const bar = progress('exported', ids.length, log);
  if (ids.length === 0) bar.tick(0);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const skipped: string[] = [];
  let written = 0;
  if (all && format === 'json') {
    await write(`{"format":${JSON.stringify(JSON_FORMAT_TAG)},"version":${JSON_FORMAT_VERSION},"conversations":[`);
  }
  for (const [i, conversationId] of ids.entries()) {
    let whole: Rendered;
    try {
      whole = await exportWhole(history, conversationId, format);
    } catch (err) {
      if (!all || !(err instanceof HistoryError) || err.code !== 'not_found') throw err;
      skipped.push(conversationId);
      log.write(`chat-history-mcp export: skipped conversation ${conversationId}: it was deleted during the export\n`);
      bar.tick(i + 1);
      continue;
    }
    if ('text' in whole) {
      await write(`${written > 0 ? '\n---\n\n' : ''}${whole.text}`);
    } else if (all) {
      const { format: _tag, version: _version, ...entry } = whole.data as Record<string, unknown>;
      await write(`${written > 0 ? ',' : ''}\n${JSON.stringify(entry)}`);
    } else {
      await write(`${JSON.stringify(whole.data, null, 2)}\n`);
    }
    written++;
    bar.tick(i + 1);
  }
  if (all && format === 'json') await write('\n]}\n');
  if (skipped.length > 0) {
    log.write(
      `chat-history-mcp export: exported ${written} of ${ids.length} conversations; ` +
        `${skipped.length} deleted during the export were skipped: ${skipped.join(', ')}\n`,
    );
  }
  return skipped;
}
