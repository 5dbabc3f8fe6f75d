import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STORAGE_FAILURE_MESSAGES } from '../../src/history/core/storage-errors.js';
import { tempDir } from '../support/harness.js';
import { inspectDatabase, readAll } from '../support/inspect.js';
import { type Running, startServer } from '../support/spawn.js';

/**
 * The disk under a running server fills up, hits a file-size limit, or turns read-only.
 * The agent must get a clear isError (not a crash, not a driver message), a failed batch
 * must be absent entirely, and reads must keep working.
 *
 * Mechanisms (tests run as root here and in CI, and root ignores file permissions, so
 * chmod proves nothing):
 * - full disk: a 3 MB tmpfs (`mount -t tmpfs`), needs mount privileges;
 * - file-size limit: `ulimit -f` (RLIMIT_FSIZE; Node ignores SIGXFSZ, so writes fail with
 *   EFBIG), works anywhere;
 * - read-only: an ext4 image on a loop device mounted with errors=remount-ro, then
 *   /sys/fs/ext4/<loop>/trigger_fs_error: the kernel turns the filesystem read-only with the
 *   server's files still open (a plain `mount -o remount,ro` is refused while files are
 *   open for writing). Needs mount, a loop device and mkfs.ext4.
 * Where a mechanism is unavailable its test is skipped, and says so.
 */
const tmp = tempDir('chat-history-disk-');
const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts.reverse()) unmount(dir);
  tmp.cleanup();
});

function run(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function unmount(dir: string): void {
  if (!run('umount', [dir])) run('umount', ['-l', dir]);
}

let probes = 0;
function probeDir(): string {
  const dir = join(tmp.dir, `probe-${++probes}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function mountTmpfs(sizeBytes: number): string {
  const dir = probeDir();
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** A fresh ext4 filesystem on a loop device; returns its mount point and loop device name. */
function mountExt4(): { dir: string; device: string } {
  const image = join(tmp.dir, `ext4-${++probes}.img`);
  writeFileSync(image, Buffer.alloc(0));
  execFileSync('truncate', ['-s', '32M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', image]);
  const dir = probeDir();
  execFileSync('mount', ['-o', 'loop,errors=remount-ro', image, dir]); // loop: detached again on umount
  mounts.push(dir);
  const source = execFileSync('findmnt', ['-n', '-o', 'SOURCE', dir], { encoding: 'utf8' }).trim();
  const device = source.replace(/^\/dev\//, '');
  // Never anything but a loop device of our own: the trigger below is drastic.
  if (!/^loop\d+$/.test(device)) throw new Error(`expected a loop device under ${dir}, found ${source}`);
  return { dir, device };
}

function turnReadOnly(fs: { dir: string; device: string }): void {
  writeFileSync(`/sys/fs/ext4/${fs.device}/trigger_fs_error`, '1');
  expect(execFileSync('findmnt', ['-n', '-o', 'OPTIONS', fs.dir], { encoding: 'utf8' })).toMatch(
    /(^|,)ro(,|$)|emergency_ro/,
  );
}

/** What this machine allows, probed once; a skipped test names the missing piece. */
function probe(): { tmpfs: string | undefined; ext4: string | undefined } {
  let tmpfs: string | undefined;
  try {
    unmount(mountTmpfs(1024 * 1024));
    mounts.pop();
  } catch (err) {
    tmpfs = `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
  }
  let ext4 = tmpfs;
  if (ext4 === undefined) {
    try {
      const fs = mountExt4();
      const trigger = `/sys/fs/ext4/${fs.device}/trigger_fs_error`;
      if (!existsSync(trigger)) ext4 = `${trigger} does not exist`; // (gone again after umount)
      unmount(fs.dir);
      mounts.pop();
    } catch (err) {
      ext4 = `cannot mount an ext4 image on a loop device (${(err as Error).message.split('\n')[0]})`;
    }
  }
  for (const [what, why] of [
    ['full-disk (tmpfs)', tmpfs],
    ['read-only filesystem (ext4 loop)', ext4],
  ]) {
    if (why) console.warn(`disk-failure: SKIPPING the ${what} test: ${why}`);
  }
  return { tmpfs, ext4 };
}
const unavailable = probe();

// --- helpers ----------------------------------------------------------------------------------
const batch = (tag: string, kb: number) => [
  { role: 'user', content: `${tag}-q ${'q'.repeat(kb * 512)}` },
  { role: 'assistant', content: `${tag}-a ${'a'.repeat(kb * 512)}` },
];

/** Appends batches until one is refused; returns the stored contents and the refusal text. */
async function appendUntilRefused(
  server: Running,
  id: string,
  kb: number,
  max = 200,
): Promise<{ stored: string[]; refusal: string }> {
  const stored: string[] = [];
  for (let i = 0; i < max; i++) {
    const messages = batch(`b${i}`, kb);
    const result = await server.callRaw('append_messages', { conversation_id: id, messages });
    if (result.isError) return { stored, refusal: result.content[0]?.type === 'text' ? result.content[0].text : '' };
    stored.push(...messages.map((m) => m.content));
  }
  throw new Error(`no append was refused after ${max} batches of ${kb} KB`);
}

/** Reads still work and show exactly `stored`, nothing of a refused batch. */
async function expectReadsWork(server: Running, id: string, stored: string[]): Promise<void> {
  const messages = await readAll(server, id);
  expect(
    messages.map((m) => m.content),
    'exactly the acknowledged messages',
  ).toEqual(stored);
  expect(messages.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
  expect((await server.call('get_conversation', { conversation_id: id })).message_count).toBe(stored.length);
  expect((await server.call('list_conversations', {})).conversations.map((c: { id: string }) => c.id)).toContain(id);
}

function expectClearRefusal(text: string, ...allowed: string[]): void {
  expect(text).not.toMatch(/Internal error|SQLITE|prisma|stack/i);
  expect(allowed, `refusal text: ${text}`).toContain(text);
}

describe('disk failures under a running server', () => {
  it.skipIf(unavailable.tmpfs !== undefined)(
    'a full disk: clear refusal, failed batch absent, reads work, writes resume once space is freed',
    async () => {
      const dir = mountTmpfs(3 * 1024 * 1024);
      const filler = join(dir, 'filler');
      writeFileSync(filler, Buffer.alloc(1024 * 1024, 1));
      const dbPath = join(dir, 'history.db');
      const server = await startServer(dbPath, []);
      let stored: string[] = [];
      let id = '';
      try {
        id = (await server.call('create_conversation', { key: 'full' })).conversation.id;
        const outcome = await appendUntilRefused(server, id, 100);
        stored = outcome.stored;
        expect(stored.length).toBeGreaterThan(0);
        expectClearRefusal(outcome.refusal, STORAGE_FAILURE_MESSAGES.full);
        expect(server.stderr(), 'the log names the SQLite code').toMatch(
          /"storage":"full","sqlite":"SQLITE_FULL".*"msg":"storage failure"/,
        );
        await expectReadsWork(server, id, stored);

        rmSync(filler);
        const after = await server.call('append_messages', { conversation_id: id, messages: batch('after', 1) });
        expect(after.messages.map((m: { seq: number }) => m.seq)).toEqual([stored.length + 1, stored.length + 2]);
        stored.push(...batch('after', 1).map((m) => m.content));
        await expectReadsWork(server, id, stored);
      } finally {
        await server.close();
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const onDisk = inspectDatabase(dbPath);
      expect(onDisk.integrity).toEqual(['ok']);
      expect(onDisk.messages.get(id)!.map((m) => m.content)).toEqual(stored);
    },
  );

  it('a file-size limit (ulimit -f): clear refusal, failed batch absent, reads work; a restart without the limit carries on', async () => {
    const dbPath = join(tmp.dir, 'fsize.db');
    const server = await startServer(dbPath, [], { shellPrefix: 'ulimit -f 2048' }); // 2 MiB per file
    let stored: string[] = [];
    let id = '';
    try {
      id = (await server.call('create_conversation', { key: 'fsize' })).conversation.id;
      const outcome = await appendUntilRefused(server, id, 100);
      stored = outcome.stored;
      expect(stored.length).toBeGreaterThan(0);
      expectClearRefusal(outcome.refusal, STORAGE_FAILURE_MESSAGES.full, STORAGE_FAILURE_MESSAGES.io);
      await expectReadsWork(server, id, stored);
      // Still refused, still clear, still nothing half-written.
      const again = await server.callRaw('append_messages', { conversation_id: id, messages: batch('again', 100) });
      expect(again.isError).toBe(true);
      await expectReadsWork(server, id, stored);
    } finally {
      await server.close();
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(inspectDatabase(dbPath).integrity).toEqual(['ok']);

    const unlimited = await startServer(dbPath, []);
    try {
      await expectReadsWork(unlimited, id, stored);
      const after = await unlimited.call('append_messages', { conversation_id: id, messages: batch('after', 1) });
      expect(after.messages[0].seq).toBe(stored.length + 1);
    } finally {
      await unlimited.close();
    }
    expect(await unlimited.exited).toEqual({ code: 0, signal: null });
  });

  it.skipIf(unavailable.ext4 !== undefined)(
    'a filesystem that turns read-only: clear refusals, nothing half-written, reads work, and a restart on it serves reads',
    async () => {
      const fs = mountExt4();
      const dbPath = join(fs.dir, 'history.db');
      const stored: string[] = [];
      let id = '';
      const server = await startServer(dbPath, []);
      try {
        id = (await server.call('create_conversation', { key: 'ro' })).conversation.id;
        for (let i = 0; i < 3; i++) {
          const messages = batch(`before${i}`, 4);
          await server.call('append_messages', { conversation_id: id, messages });
          stored.push(...messages.map((m) => m.content));
        }
        turnReadOnly(fs);

        const writes: Array<[string, Record<string, unknown>]> = [
          ['append_messages', { conversation_id: id, messages: batch('refused', 4) }],
          ['append_messages', { conversation_id: id, messages: batch('refused-small', 0) }],
          ['update_conversation', { conversation_id: id, title: 'refused' }],
          ['create_conversation', { key: 'refused' }],
        ];
        for (const [tool, args] of writes) {
          const result = await server.callRaw(tool, args);
          expect(result.isError, tool).toBe(true);
          expectClearRefusal(
            (result.content[0] as { text: string }).text,
            STORAGE_FAILURE_MESSAGES.read_only,
            STORAGE_FAILURE_MESSAGES.io,
          );
        }
        await expectReadsWork(server, id, stored);
        expect((await server.call('get_conversation', { conversation_id: id })).title).toBeNull();
        expect(server.stderr(), 'the log names the SQLite code').toMatch(
          /"sqlite":"SQLITE_(IOERR|READONLY)[A-Z_]*".*"msg":"storage failure"/,
        );
      } finally {
        await server.close();
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });

      // A new start on the read-only filesystem: reads are served, writes refused clearly.
      const again = await startServer(dbPath, []);
      try {
        await expectReadsWork(again, id, stored);
        const refused = await again.callRaw('append_messages', {
          conversation_id: id,
          messages: batch('refused-again', 1),
        });
        expect(refused.isError).toBe(true);
        expectClearRefusal(
          (refused.content[0] as { text: string }).text,
          STORAGE_FAILURE_MESSAGES.read_only,
          STORAGE_FAILURE_MESSAGES.io,
        );
        await expectReadsWork(again, id, stored);
      } finally {
        await again.close();
      }
      expect(await again.exited).toEqual({ code: 0, signal: null });
      const onDisk = inspectDatabase(dbPath);
      expect(onDisk.integrity).toEqual(['ok']);
      expect(onDisk.messages.get(id)!.map((m) => m.content)).toEqual(stored);
    },
  );
});
