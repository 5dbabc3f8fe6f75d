import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, openTestDatabase, tempDir } from '../support/harness.js';
import { CLI, requireBuiltCli } from '../support/spawn.js';

/**
 * The export/import subcommands of the BUILT entry point (dist/cli.js; `npm test` builds it
 * first), run as a user runs them. stderr is a pipe here, not a terminal: progress must come
 * as plain lines.
 */
const tmp = tempDir('chat-history-cli-');
const dbA = join(tmp.dir, 'a.db');
const path = (name: string) => join(tmp.dir, name);
let first: string;
let second: string;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function ok(...args: string[]) {
  const r = cli(...args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
const importedIds = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).conversation_id as string);

beforeAll(async () => {
  requireBuiltCli();
  const database = await openTestDatabase(dbA);
  const api = await connect(database);
  try {
    first = (await api.call('create_conversation', { key: 'k-1', title: 'First ✓', metadata: { a: 1 } })).conversation
      .id;
    await api.call('append_messages', {
      conversation_id: first,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather?\nünïcode 👩‍👩‍👧', name: 'Zoë' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{ "q" : 1 }' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        { role: 'assistant', content: 'Sunny.', metadata: { model: 'm' } },
      ],
    });
    second = (await api.call('create_conversation', { title: 'Second' })).conversation.id;
    await api.call('append_messages', { conversation_id: second, messages: [{ role: 'user', content: 'hello' }] });
  } finally {
    await api.close();
    await database.close();
  }
});
afterAll(() => tmp.cleanup());

describe('chat-history-mcp export / import (built CLI)', () => {
  it('export -> import into a fresh database -> export gives the identical file', { timeout: 60_000 }, () => {
    const r = ok('export', first, '--format', 'json', '-o', path('one.json'), '--db', dbA);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('exported 1/1 conversations\n');
    expect(JSON.parse(readFileSync(path('one.json'), 'utf8'))).toMatchObject({
      format: 'chat-history-mcp',
      conversation: { key: 'k-1' },
    });

    // Global options before the subcommand work too; the format is inferred.
    const imported = ok('--db', path('b.db'), 'import', path('one.json'));
    expect(imported.stderr).toContain('imported 1/1 conversations\n');
    const [newId] = importedIds(imported.stdout);
    expect(newId).not.toBe(first);
    ok('export', newId!, '-o', path('one-again.json'), '--db', path('b.db'));
    expect(readFileSync(path('one-again.json'), 'utf8')).toBe(readFileSync(path('one.json'), 'utf8'));
    // The audit trail names the operator's command, not a local MCP client.
    const events = ok('audit', '--db', path('b.db'))
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => [e.operation, e.actor_kind])).toEqual([['import', 'cli']]);

    // Importing it again: the key is taken, nothing is created, exit 1 with the reason.
    const again = cli('import', path('one.json'), '--db', path('b.db'));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^chat-history-mcp import: key "k-1" is already used by conversation/m);
  });

  it('--all writes every conversation of the owner to stdout; importing it restores them all', {
    timeout: 60_000,
  }, () => {
    const all = ok('export', '--all', '--db', dbA);
    const doc = JSON.parse(all.stdout);
    expect(doc.format).toBe('chat-history-mcp');
    expect(doc.conversations.map((c: any) => c.conversation.title).sort()).toEqual(['First ✓', 'Second']);
    expect(all.stderr).toContain('exported 2/2 conversations\n');
    expect(all.stderr).not.toContain('\r'); // no bar when stderr is not a terminal
    writeFileSync(path('all.json'), all.stdout);

    const imported = ok('import', path('all.json'), '--db', path('c.db'));
    expect(importedIds(imported.stdout)).toHaveLength(2);
    expect(imported.stderr).toContain('imported 2/2 conversations\n');
    expect(ok('export', '--all', '--db', path('c.db')).stdout).toBe(all.stdout);
  });

  it('other formats: openai to stdout, imported back with the format inferred', { timeout: 60_000 }, () => {
    const out = ok('export', first, '--format', 'openai', '--db', dbA).stdout;
    expect(JSON.parse(out)[2]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{ "q" : 1 }' } }],
    });
    writeFileSync(path('one.openai.json'), out);
    const [id] = importedIds(ok('import', path('one.openai.json'), '--db', path('d.db')).stdout);
    expect(ok('export', id!, '--format', 'openai', '--db', path('d.db')).stdout).toBe(out);
    const md = ok('export', first, '--format', 'markdown', '--db', dbA).stdout;
    expect(md).toMatch(/^# First ✓\n[\s\S]*## User \(Zoë\)\n\nWeather\?/);
  });

  it('the owner comes from the same flags as the server; mistakes exit 1 with one line', { timeout: 60_000 }, () => {
    const other = cli('export', first, '--db', dbA, '--owner', 'someone-else');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^chat-history-mcp export: conversation \S+ not found/m);
    expect(cli('export', '--db', dbA).stderr).toMatch(/give a conversation id or --all/);
    expect(cli('export', '--all', '--format', 'openai', '--db', dbA).stderr).toMatch(/--all writes json or markdown/);
    writeFileSync(path('notes.md'), '# not json');
    expect(cli('import', path('notes.md'), '--db', dbA).stderr).toMatch(/is not JSON/);
  });
});
