import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationPageView } from '../../src/history/conversations/schemas.js';
import type { HistoryPageView } from '../../src/history/messages/schemas.js';
import { CLI, type Exit, requireBuiltCli, startServer } from '../support/spawn.js';

/**
 * End to end over stdio, against the BUILT entry point (dist/cli.js), the way Claude Desktop
 * or `npx chat-history-mcp` runs it: a real child process, a real SDK Client, a real file.
 * This is the test that catches a stray write to stdout, a log line that is not JSON, a
 * process that does not exit when its client goes away, and data that does not survive a
 * restart. `npm test` builds dist/ first; this file never compiles anything itself.
 */

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

// --- what the agent writes: every string must come back exactly -----------------------------

const UNICODE = 'Ünïcødé ✓ 👩‍👩‍👧 "quotes" \\ backslash\n\ttabbed\r\nCRLF';
const TRICKY =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${x} is part of the text that must come back unchanged
  '</script><script>alert("x")</script> ${x} {{x}} %s %d $1 \u2028line-separator\u2029paragraph-separator ' +
  '\uFEFFzero-width-no-break e\u0301 (combining) עברית (RTL)   trailing spaces   ';
const USER_CONTENT = `${UNICODE}\n${TRICKY}`;
const ARGS_WEATHER = '{ "city" :"Paris",\n "units":"metric" }';
const ARGS_TIME = '{"tz":"Asia/Tokyo" ,\t"format":  "24h", "note": "naïve café ☕ \\"q\\" \\u00e9"}\n';
const WEATHER_RESULT = '{"temp_c": 18.5, "sky": "clear ☀"}';
const TIME_RESULT = '21:07 (JST)';
const FINAL_ANSWER = 'It is 18.5 °C and clear in Paris; in Tokyo it is 21:07. Final-answer-marker-7f3a.';
const SYSTEM_PROMPT = 'You are a helpful assistant. System-prompt-marker-91c2.';

const TOOL_CALLS = [
  { id: 'call_weather_paris', type: 'function', function: { name: 'get_weather', arguments: ARGS_WEATHER } },
  { id: 'call_time_tokyo', type: 'function', function: { name: 'get_time', arguments: ARGS_TIME } },
];

/** The messages in the order they are appended, as the agent sent them. */
const SENT = [
  { role: 'system', content: SYSTEM_PROMPT },
  { role: 'user', content: USER_CONTENT, name: 'Zoë' },
  { role: 'assistant', content: null, tool_calls: TOOL_CALLS },
  { role: 'tool', content: WEATHER_RESULT, tool_call_id: 'call_weather_paris' },
  { role: 'tool', content: TIME_RESULT, tool_call_id: 'call_time_tokyo' },
  { role: 'assistant', content: FINAL_ANSWER, metadata: { model: 'test-model', ключ: ['✓', 1, null] } },
] as const;

/** Strings that must never appear in the server's log, even at debug level. */
const SECRETS = [
  'Ünïcødé',
  '👩‍👩‍👧',
  '</script>',
  'line-separator',
  'System-prompt-marker-91c2',
  'Final-answer-marker-7f3a',
  '"Paris"',
  'Asia/Tokyo',
  'clear ☀',
  '21:07',
];

// --- helpers -------------------------------------------------------------------------------

/** Parse every stderr line as JSON; fail naming the first line that is not. */
function logLines(stderr: string): Array<Record<string, unknown>> {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  return lines.map((line) => {
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      return value as Record<string, unknown>;
    } catch {
      throw new Error(`stderr line is not a JSON object (logs must be structured): ${JSON.stringify(line)}`);
    }
  });
}

function expectCleanLogs(stderr: string, dbPath: string): Array<Record<string, unknown>> {
  const logs = logLines(stderr);
  const started = logs.find((l) => l.msg === 'chat-history-mcp started');
  expect(started, `start line in stderr:\n${stderr}`).toBeDefined();
  expect(started).toMatchObject({ version: PACKAGE_VERSION, db: dbPath, owner: 'local' });
  // Debug level logs the tool calls, and still never what the agent wrote.
  expect(logs.some((l) => l.tool !== undefined)).toBe(true);
  for (const secret of SECRETS)
    expect(stderr, `stderr must not contain message content ${JSON.stringify(secret)}`).not.toContain(secret);
  return logs;
}

// --- tests ---------------------------------------------------------------------------------

describe('built CLI over stdio', () => {
  let dir: string;

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'chat-history-stdio-'));
  });

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('stores a tool-calling conversation exactly, exits 0 when the client leaves, and keeps it across a restart', {
    timeout: 30_000,
  }, async () => {
    const dbPath = join(dir, 'history.db');

    // --- first process: write --------------------------------------------------------
    const first = await startServer(dbPath);
    let firstReading: HistoryPageView;
    let conversationId: string;
    try {
      const created = await first.call('create_conversation', { key: 'stdio-thread-1', title: 'Wetter & Zeit ✓' });
      expect(created.created).toBe(true);
      conversationId = created.conversation.id;
      expect(created.conversation).toMatchObject({ key: 'stdio-thread-1', title: 'Wetter & Zeit ✓', message_count: 0 });

      // Three appends: the tool results answer calls stored by an earlier call.
      const a1 = await first.call('append_messages', { conversation_id: conversationId, messages: SENT.slice(0, 2) });
      const a2 = await first.call('append_messages', { conversation_id: conversationId, messages: SENT.slice(2, 3) });
      const a3 = await first.call('append_messages', { conversation_id: conversationId, messages: SENT.slice(3) });
      expect([a1, a2, a3].flatMap((a) => a.messages.map((m: { seq: number }) => m.seq))).toEqual([1, 2, 3, 4, 5, 6]);
      expect(a3).toMatchObject({ conversation_id: conversationId, message_count: 6, replayed: false });

      firstReading = await first.call<HistoryPageView>('get_history', { conversation_id: conversationId });
      expect(firstReading).toMatchObject({
        conversation_id: conversationId,
        message_count: 6,
        has_more_before: false,
        has_more_after: false,
      });
      const messages = firstReading.messages;
      expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(messages.map((m) => m.id)).toEqual(
        [a1, a2, a3].flatMap((a) => a.messages.map((m: { id: string }) => m.id)),
      );
      SENT.forEach((sent, i) => {
        const got = messages[i]!;
        expect(got.role).toBe(sent.role);
        expect(got.content).toBe(sent.content); // byte-for-byte, null included
        expect(got.name).toBe('name' in sent ? sent.name : undefined);
        expect(got.tool_calls).toEqual('tool_calls' in sent ? sent.tool_calls : undefined);
        expect(got.tool_call_id).toBe('tool_call_id' in sent ? sent.tool_call_id : undefined);
        expect(got.metadata).toEqual('metadata' in sent ? sent.metadata : undefined);
        expect(Number.isNaN(Date.parse(got.created_at))).toBe(false);
      });
      // The arguments strings, once more, explicitly: not re-serialized JSON.
      expect(messages[2]!.tool_calls![0]!.function.arguments).toBe(ARGS_WEATHER);
      expect(messages[2]!.tool_calls![1]!.function.arguments).toBe(ARGS_TIME);
      expect(new Set(messages.map((m) => m.id)).size).toBe(6);
    } finally {
      await first.client.close(); // ends the child's stdin: the server must exit on its own
    }
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.errors.map(String), 'client saw no transport errors (stray stdout output shows up here)').toEqual([]);
    const firstLogs = expectCleanLogs(first.stderr(), dbPath);
    // It left because stdin ended, not because the SDK fell back to SIGTERM after 2 s.
    expect(firstLogs.find((l) => l.msg === 'stopping')).toMatchObject({ reason: 'client disconnected' });

    // --- second process, same file: read ---------------------------------------------
    const second = await startServer(dbPath);
    try {
      const list = await second.call<ConversationPageView>('list_conversations', {});
      const listed = list.conversations.find((c) => c.id === conversationId);
      expect(listed).toMatchObject({
        id: conversationId,
        key: 'stdio-thread-1',
        title: 'Wetter & Zeit ✓',
        message_count: 6,
      });

      const again = await second.call('create_conversation', { key: 'stdio-thread-1' });
      expect(again.created).toBe(false);
      expect(again.conversation.id).toBe(conversationId);
      expect(again.conversation.message_count).toBe(6);

      const secondReading = await second.call('get_history', { conversation_id: conversationId });
      expect(secondReading).toEqual(firstReading);
    } finally {
      await second.client.close();
    }
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.errors.map(String)).toEqual([]);
    expectCleanLogs(second.stderr(), dbPath);
  });

  it('writes nothing but JSON-RPC lines to stdout', { timeout: 30_000 }, async () => {
    const dbPath = join(dir, 'raw.db');
    const child = spawn(process.execPath, [CLI, '--db', dbPath, '--log-level', 'debug'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: dir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

    /** Resolves with the response to request `id` once its line has arrived. */
    const response = (id: number) =>
      new Promise<any>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no response to request ${id}; stdout so far:\n${stdout}\nstderr:\n${stderr}`)),
          15_000,
        );
        const check = () => {
          for (const line of stdout.split('\n')) {
            if (!line.includes(`"id":${id}`)) continue;
            try {
              const msg = JSON.parse(line);
              if (msg.id === id) {
                clearTimeout(timer);
                child.stdout.off('data', check);
                resolve(msg);
                return;
              }
            } catch {
              // not complete yet, or not JSON: the final assertions report it
            }
          }
        };
        child.stdout.on('data', check);
        check();
      });
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);

    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
    });
    const init = await response(1);
    expect(init.result.serverInfo.name).toBe('chat-history-mcp');
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'create_conversation', arguments: { key: 'raw' } },
    });
    const tools = await response(2);
    expect(tools.result.tools.map((t: { name: string }) => t.name)).toContain('append_messages');
    const created = await response(3);
    const id = created.result.structuredContent.conversation.id;
    send({
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'append_messages', arguments: { conversation_id: id, messages: SENT } },
    });
    expect((await response(4)).result.structuredContent.message_count).toBe(6);
    send({
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/call',
      params: { name: 'get_history', arguments: { conversation_id: id } },
    });
    const history = await response(5);
    expect(history.result.structuredContent.messages[1].content).toBe(USER_CONTENT);
    send({
      jsonrpc: '2.0',
      id: 6,
      method: 'tools/call',
      params: { name: 'get_conversation', arguments: { conversation_id: 'no-such-id' } },
    });
    expect((await response(6)).result.isError).toBe(true);
    send({ jsonrpc: '2.0', id: 7, method: 'no/such/method' });
    expect((await response(7)).error.code).toBe(-32601);

    // Every response is in; end the session the way a client does.
    child.stdin.end();
    expect(await exited).toEqual({ code: 0, signal: null });

    const lines = stdout.split('\n');
    expect(lines.pop(), 'stdout ends with a newline').toBe('');
    expect(lines).toHaveLength(7); // one line per request, nothing else (no response to the notification)
    for (const line of lines) {
      let msg: any;
      expect(() => (msg = JSON.parse(line)), `stdout line is JSON: ${JSON.stringify(line)}`).not.toThrow();
      expect(msg.jsonrpc, `stdout line is JSON-RPC: ${line}`).toBe('2.0');
      expect('result' in msg || 'error' in msg || 'method' in msg).toBe(true);
    }
    expectCleanLogs(stderr, dbPath);
  });
});
