import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { chmod, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { CommandError } from './run-command.js';

/**
 * An output file that is replaced only once it is complete (`export -o backup.json`): the
 * last good backup must survive an export that fails or is interrupted. Written to a
 * temporary file in the same folder (so the rename stays on one file system and is atomic),
 * flushed to disk, then renamed over the target, and the folder flushed so the rename itself
 * survives a power loss. On failure — or SIGINT/SIGTERM while it is open — the temporary file
 * is removed and the target is untouched. A replaced file keeps its permission bits (a backup
 * kept private stays private); a symlink target is written through to the file it names.
 */
export interface AtomicFile {
  stream: Writable;
  /** Whether the target existed when the export started (for the "left as it was" message). */
  existed: boolean;
  /** Flush, rename over the target, flush the folder. */
  commit(): Promise<void>;
  /** Remove the temporary file; the target stays as it was. Safe to call more than once. */
  abort(): Promise<void>;
}

const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

export async function createAtomicFile(target: string): Promise<AtomicFile> {
  const existed = existsSync(target);
  // Through a symlink to the real file: renaming over the link would replace the link.
  const path = existed ? realpathSync(target) : resolve(target);
  if (existed && statSync(path).isDirectory()) throw new CommandError(`cannot write ${target}: it is a directory`);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

  // 'wx': never reuse a file that happens to be there. `flush`: fsync before the stream closes.
  const stream = createWriteStream(temp, { flags: 'wx', flush: true });
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new CommandError(
      `cannot write ${target}: ${(err as Error).message} (the export writes a temporary file beside it, then renames it)`,
    );
  }
  // A write error is kept on the stream (`errored`) and fails commit(); without a listener
  // it would be an uncaught exception — also for writes cut short by abort().
  stream.on('error', () => undefined);
  let finished = false;
  const removeTemp = () => {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  };
  const onSignal = (signal: keyof typeof SIGNALS) => {
    stream.destroy();
    removeTemp();
    process.stderr.write(
      `chat-history-mcp export: interrupted by ${signal}; ${target} ${existed ? 'was left as it was' : 'was not created'}\n`,
    );
    process.exit(SIGNALS[signal]);
  };
  const handlers = Object.keys(SIGNALS).map((signal) => {
    const handler = () => onSignal(signal as keyof typeof SIGNALS);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const done = () => {
    finished = true;
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };

  return {
    stream,
    existed,
    async commit() {
      if (!stream.closed) {
        stream.end();
        await new Promise<void>((resolve) => stream.once('close', () => resolve()));
      }
      if (stream.errored) throw stream.errored;
      if (existed) await chmod(temp, statSync(path).mode & 0o7777);
      await rename(temp, path);
      done();
      await syncFolder(dirname(path));
    },
    async abort() {
      if (finished) return;
      done();
      stream.destroy();
      await unlink(temp).catch(() => undefined);
    },
  };
}

/** fsync a folder so a rename in it is on disk; some file systems refuse, which is harmless. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  try {
    await handle?.sync();
  } catch {
    // e.g. EINVAL on file systems without directory fsync
  } finally {
    await handle?.close();
  }
}
