/**
 * The worst legal request of every tool, resource and prompt: the largest sizes the default
 * limits allow, in the shapes that cost most (one unbroken run, many small parts, deep
 * nesting, escape-heavy text, many repeats). Each case stores what it needs as the attacking
 * owner, then names the one request to time. `npm run test:hostile` runs them all against the
 * built server over HTTP while another owner pings it, and over stdio at the response budget;
 * `npm run bench` prints their timings. A new tool adds its worst case here.
 *
 * Sizes assume the default limits (src/history/core/limits.ts): 256 KiB per content or tool-call
 * arguments, 4 MiB per append, 100 messages per append, 128 tool calls per message, 16 KiB of
 * metadata. Requests stay under the HTTP body limit (9 MiB) and the stdio frame (10 MiB).
 */
import { distinctWords, dna, escapeHeavy, repeated, unbrokenCjk, unbrokenLetters } from './payloads.js';

const KiB = 1024;
const MiB = 1024 * KiB;
export const DEFAULTS = {
  contentBytes: 256 * KiB,
  batchBytes: 4 * MiB,
  /** A message as JSON must fit one response (4 MiB) less its envelope (16 KiB). */
  messageJsonBytes: 4 * MiB - 16 * KiB - 128,
  messagesPerCall: 100,
  toolCallsPerMessage: 128,
  metadataBytes: 16 * KiB,
  historyMax: 500,
  listMax: 100,
  searchMax: 100,
  queryChars: 1000,
};

export type Request =
  | { tool: string; args: Record<string, unknown> }
  | { resource: string }
  | { prompt: string; args: Record<string, string> }
  /** Any other request (resources/list, completion/complete). */
  | { method: string; params: Record<string, unknown> }
  /** A GET of the web viewer's API (a path under the server's origin): over HTTP only. */
  | { viewer: string };

/** What a case may call while it sets up: the attacker's and the bystander's tool calls. */
export interface Caller {
  /** A tool call that must succeed; its structuredContent. */
  call(name: string, args: Record<string, unknown>): Promise<any>;
}

export interface CaseContext {
  attacker: Caller;
  bystander: Caller;
  /** How many times the request will run: writes that consume their target prepare that many. */
  runs: number;
}

export interface WorstCase {
  id: string;
  /** The issue-9 class it belongs to (tokens, index, search, response, export, lock, …). */
  kind: string;
  /** The operation and its worst input, as the table prints it. */
  what: string;
  /** A request the server answers with a clear refusal (isError) rather than a result. */
  refused?: RegExp;
  /** Runs over HTTP only (the web viewer's API has no stdio form). */
  httpOnly?: boolean;
  /** Store what the request needs; returns the request of run i (0-based). */
  setup(ctx: CaseContext): Promise<(i: number) => Request>;
}

type Msg = Record<string, unknown>;

async function conversation(c: Caller, title: string): Promise<string> {
  return (await c.call('create_conversation', { title })).conversation.id as string;
}

/** The id of the attacker's conversation an earlier case made under this title. */
async function conversationTitled(c: Caller, title: string): Promise<string> {
  const page = await c.call('list_conversations', { query: title, limit: 1 });
  const found = (page.conversations as Array<{ id: string; title: string }>).find((x) => x.title === title);
  if (found === undefined) throw new Error(`no conversation titled "${title}": a case before this one makes it`);
  return found.id;
}

/** Append messages in calls that respect the per-call count and (wire) byte limits. */
async function appendAll(c: Caller, conversationId: string, messages: Msg[], wireBudget = 7 * MiB): Promise<void> {
  let batch: Msg[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await c.call('append_messages', { conversation_id: conversationId, messages: batch });
    batch = [];
    bytes = 0;
  };
  for (const m of messages) {
    const size = Buffer.byteLength(JSON.stringify(m));
    if (
      batch.length >= DEFAULTS.messagesPerCall ||
      bytes + size > wireBudget ||
      batchRawBytes([...batch, m]) > DEFAULTS.batchBytes
    )
      await flush();
    batch.push(m);
    bytes += size;
  }
  await flush();
}

function batchRawBytes(messages: Msg[]): number {
  let n = 0;
  for (const m of messages) {
    n += Buffer.byteLength(String(m.content ?? ''));
    for (const call of (m.tool_calls as Array<{ function: { arguments: string } }> | undefined) ?? [])
      n += Buffer.byteLength(call.function.arguments);
    if (m.metadata !== undefined) n += Buffer.byteLength(JSON.stringify(m.metadata));
  }
  return n;
}

/** An assistant message calling `n` tools, then `n` results: a tool round. */
function toolRound(prefix: string, n: number, args: (j: number) => string, result: (j: number) => string): Msg[] {
  const calls = Array.from({ length: n }, (_, j) => ({
    id: `${prefix}_${j}`,
    type: 'function',
    function: { name: 'lookup', arguments: args(j) },
  }));
  return [
    { role: 'assistant', content: null, tool_calls: calls },
    ...calls.map((call, j) => ({ role: 'tool', tool_call_id: call.id, content: result(j) })),
  ];
}

/** One message per run, each alone in its conversation (for reads whose cost is one message). */
/** One conversation per run, titled `${title} ${i}`, holding messages(i); their ids. */
async function conversationsEach(
  c: Caller,
  runs: number,
  title: string,
  messages: (i: number) => Msg[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) {
    const id = await conversation(c, `${title} ${i}`);
    await appendAll(c, id, messages(i));
    ids.push(id);
  }
  return ids;
}

const oneMessageEach = (c: Caller, runs: number, message: (i: number) => Msg): Promise<string[]> =>
  conversationsEach(c, runs, 'one message', (i) => [message(i)]);

const argsOfBytes = (bytes: number, seed: number) => JSON.stringify({ q: unbrokenLetters(bytes - 10, seed) });
/** Arguments of each of 128 calls so that the message is the largest one allowed (JSON escapes included). */
const CALL_ARGS_BYTES = Math.floor((DEFAULTS.messageJsonBytes - 256) / DEFAULTS.toolCallsPerMessage) - 96;
const MAX_TOKENS = 2_000_000;

/** Run i appends one assistant message calling 128 tools with these arguments (fresh call ids each run). */
async function appendOfCalls(attacker: Caller, args: (j: number) => string): Promise<(i: number) => Request> {
  const id = await conversation(attacker, 'many calls');
  const all = Array.from({ length: DEFAULTS.toolCallsPerMessage }, (_, j) => args(j));
  return (i) => ({
    tool: 'append_messages',
    args: {
      conversation_id: id,
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: all.map((a, j) => ({
            id: `r${i}_${j}`,
            type: 'function',
            function: { name: 'f', arguments: a },
          })),
        },
      ],
    },
  });
}

export const WORST_CASES: WorstCase[] = [
  {
    id: 'append-128-calls',
    kind: 'index',
    what: 'append_messages: one assistant message, 128 tool calls of 32 KiB, one unbroken run each (4 MiB)',
    setup: ({ attacker }) => appendOfCalls(attacker, (j) => argsOfBytes(CALL_ARGS_BYTES, 100 + j)),
  },
  {
    id: 'append-128-calls-words',
    kind: 'index',
    what: 'append_messages: one assistant message, 128 tool calls of 32 KiB of short words (4 MiB)',
    setup: ({ attacker }) =>
      appendOfCalls(attacker, (j) => JSON.stringify({ q: distinctWords(CALL_ARGS_BYTES - 16, 150 + j) })),
  },
  {
    id: 'append-100-runs',
    kind: 'index',
    what: 'append_messages: 100 messages of 40 KiB, each one unbroken run',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'long runs');
      const contents = Array.from({ length: 100 }, (_, j) => unbrokenLetters(40 * KiB, 300 + j));
      return () => ({
        tool: 'append_messages',
        args: { conversation_id: id, messages: contents.map((content) => ({ role: 'user', content })) },
      });
    },
  },
  {
    id: 'context-letters',
    kind: 'tokens',
    what: 'get_context (max_tokens 2M): one 256 KiB message, one unbroken run of letters',
    async setup({ attacker, runs }) {
      const ids = await oneMessageEach(attacker, runs, (i) => ({
        role: 'user',
        content: unbrokenLetters(DEFAULTS.contentBytes, 400 + i),
      }));
      return (i) => ({ tool: 'get_context', args: { conversation_id: ids[i]!, max_tokens: MAX_TOKENS } });
    },
  },
  {
    id: 'context-cjk',
    kind: 'tokens',
    what: 'get_context (max_tokens 2M): 16 messages of 128 KiB CJK without a break (what the response budget holds)',
    async setup({ attacker, runs }) {
      const ids = await conversationsEach(attacker, runs, 'cjk', (i) =>
        Array.from({ length: 16 }, (_, j) => ({ role: 'user', content: unbrokenCjk(128 * KiB, 500 + 16 * i + j) })),
      );
      return (i) => ({ tool: 'get_context', args: { conversation_id: ids[i]!, max_tokens: MAX_TOKENS } });
    },
  },
  {
    id: 'context-calls',
    kind: 'tokens',
    what: 'get_context (max_tokens 2M): 4 MiB of tool-call arguments in DNA-like runs, 128 calls',
    async setup({ attacker, runs }) {
      const ids = await conversationsEach(attacker, runs, 'dna calls', (i) =>
        toolRound(
          `d${i}`,
          127,
          (j) => dna(32 * KiB - 64, 600 + j + i),
          () => 'ok',
        ),
      );
      return (i) => ({ tool: 'get_context', args: { conversation_id: ids[i]!, max_tokens: MAX_TOKENS } });
    },
  },
  {
    id: 'context-20k-small',
    kind: 'lock',
    what: 'get_context (max_tokens 2M): 20,000 short messages, all counted and their counts written back',
    async setup({ attacker, runs }) {
      const ids = await conversationsEach(attacker, runs, 'many small', () =>
        Array.from({ length: 20_000 }, (_, k) => ({ role: k % 2 ? 'assistant' : 'user', content: `m${k} ok` })),
      );
      // A fresh conversation per run: the first get_context is the one that counts and stores.
      return (i) => ({ tool: 'get_context', args: { conversation_id: ids[i]!, max_tokens: MAX_TOKENS } });
    },
  },
  {
    id: 'context-system',
    kind: 'response',
    what: 'get_context (max_tokens 2M): 16 leading system messages of 256 KiB escape-heavy text',
    refused: /the system prompt takes more than \d+ bytes as JSON .*pass include_system false/,
    async setup({ attacker }) {
      const id = await conversation(attacker, 'huge system prompt');
      const system = Array.from({ length: 16 }, (_, j) => ({
        role: 'system',
        content: escapeHeavy(DEFAULTS.contentBytes, 700 + j),
      }));
      await appendAll(attacker, id, [...system, { role: 'user', content: 'hello' }]);
      return () => ({ tool: 'get_context', args: { conversation_id: id, max_tokens: MAX_TOKENS } });
    },
  },
  {
    id: 'summary-cjk',
    kind: 'tokens',
    what: 'set_summary: a 256 KiB summary of CJK without a break',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'summary');
      await appendAll(attacker, id, [{ role: 'user', content: 'hi' }]);
      return (i) => ({
        tool: 'set_summary',
        args: { conversation_id: id, through_seq: 1, summary: unbrokenCjk(DEFAULTS.contentBytes, 800 + i) },
      });
    },
  },
  {
    id: 'prompt-resume',
    kind: 'tokens',
    what: 'prompt resume_conversation: one 256 KiB message of CJK without a break',
    async setup({ attacker, runs }) {
      const ids = await oneMessageEach(attacker, runs, (i) => ({
        role: 'user',
        content: unbrokenCjk(DEFAULTS.contentBytes, 900 + i),
      }));
      return (i) => ({ prompt: 'resume_conversation', args: { conversation_id: ids[i]! } });
    },
  },
  {
    id: 'create-metadata',
    kind: 'response',
    what: 'create_conversation: 16 KiB of escape-heavy metadata, a 500-character escape-heavy title',
    async setup() {
      return (i) => ({
        tool: 'create_conversation',
        args: { title: `${i}`.padEnd(500, '\u0005'), metadata: { blob: escapeHeavy(2600, 1800 + i) } },
      });
    },
  },
  {
    id: 'update-metadata',
    kind: 'response',
    what: 'update_conversation: the same, replacing both',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'to update');
      return (i) => ({
        tool: 'update_conversation',
        args: { conversation_id: id, title: `${i}`.padEnd(500, '"'), metadata: { blob: escapeHeavy(2600, 1900 + i) } },
      });
    },
  },
  {
    id: 'get-conversation',
    kind: 'response',
    what: 'get_conversation: a conversation with 16 KiB of escape-heavy metadata',
    async setup({ attacker }) {
      const id = (
        await attacker.call('create_conversation', {
          title: '\\'.repeat(500),
          metadata: { blob: escapeHeavy(2600, 2000) },
        })
      ).conversation.id;
      return () => ({ tool: 'get_conversation', args: { conversation_id: id } });
    },
  },
  {
    id: 'resources-list',
    kind: 'response',
    what: 'resources/list: a page of 50 conversations with 500-character escape-heavy titles',
    async setup({ attacker }) {
      for (let i = 0; i < 60; i++) await attacker.call('create_conversation', { title: `r${i}`.padEnd(500, '\u0006') });
      return () => ({ method: 'resources/list', params: {} });
    },
  },
  {
    id: 'history-escapes',
    kind: 'response',
    what: 'get_history (default page): 50 tool results of 80 KiB escape-heavy text',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'escape-heavy results');
      await appendAll(
        attacker,
        id,
        toolRound(
          'e',
          50,
          () => '{}',
          (j) => escapeHeavy(80 * KiB, 1000 + j),
        ),
      );
      return () => ({ tool: 'get_history', args: { conversation_id: id } });
    },
  },
  {
    id: 'history-500-calls',
    kind: 'response',
    what: 'get_history (limit 500): 500 messages carrying 12,800 small tool calls',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'many small calls');
      // 100 assistant messages of 128 calls each, then 400 plain ones: the join returns ~13k rows.
      const wide = Array.from({ length: 100 }, (_, m) => ({
        role: 'assistant',
        content: null,
        tool_calls: Array.from({ length: 128 }, (_, j) => ({
          id: `w${m}_${j}`,
          type: 'function',
          function: { name: 'f', arguments: '{}' },
        })),
      }));
      await appendAll(attacker, id, [
        ...wide,
        ...Array.from({ length: 400 }, (_, k) => ({ role: 'user', content: `message ${k}` })),
      ]);
      return () => ({ tool: 'get_history', args: { conversation_id: id, limit: DEFAULTS.historyMax } });
    },
  },
  {
    id: 'resource-escapes',
    kind: 'response',
    what: 'resources/read conversation://{id}: the page above as pretty JSON',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'escape-heavy resource');
      await appendAll(
        attacker,
        id,
        toolRound(
          'e',
          50,
          () => '{}',
          (j) => escapeHeavy(80 * KiB, 1100 + j),
        ),
      );
      return () => ({ resource: `conversation://${id}` });
    },
  },
  {
    id: 'resource-transcript',
    kind: 'response',
    what: 'resources/read conversation://{id}/transcript.md: a first message of 256 KiB escape-heavy text',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'escape-heavy transcript');
      await appendAll(attacker, id, [{ role: 'user', content: escapeHeavy(DEFAULTS.contentBytes, 2100) }]);
      return () => ({ resource: `conversation://${id}/transcript.md` });
    },
  },
  {
    id: 'search-repeats',
    kind: 'search',
    what: 'search_messages: "qq qq … qq*" (333 repeats) over a message of 85K qq words',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'many qq');
      await appendAll(attacker, id, [{ role: 'user', content: repeated('qq', DEFAULTS.contentBytes) }]);
      return () => ({
        tool: 'search_messages',
        args: { query: `${repeated('qq', DEFAULTS.queryChars - 3).trimEnd()}*` },
      });
    },
  },
  {
    id: 'search-prefixes',
    kind: 'search',
    what: "search_messages by an owner with no data: 4 prefixes matching every word of another owner's 4 MiB vocabulary",
    async setup({ bystander }) {
      const id = await conversation(bystander, 'vocabulary');
      const starts = ['qa', 'qb', 'qc', 'qd'];
      const words = (j: number) =>
        distinctWords(40 * KiB, 1200 + j)
          .split(' ')
          .map((w, k) => `${starts[k % 4]}${w}`)
          .join(' ');
      await appendAll(
        bystander,
        id,
        Array.from({ length: 100 }, (_, j) => ({ role: 'user', content: words(j) })),
      );
      return () => ({ tool: 'search_messages', args: { query: starts.map((p) => `${p}*`).join(' ') } });
    },
  },
  {
    id: 'search-common',
    kind: 'search',
    what: "search_messages by an owner with no data: a word in each of another owner's 20,000 messages",
    async setup({ bystander }) {
      const id = await conversation(bystander, 'common word');
      await appendAll(
        bystander,
        id,
        Array.from({ length: 20_000 }, (_, k) => ({ role: 'user', content: `the usual words ${k}` })),
      );
      return () => ({ tool: 'search_messages', args: { query: 'usual words the' } });
    },
  },
  {
    id: 'search-phrase',
    kind: 'search',
    what: 'search_messages: a 32-word phrase "a a … a" over a message of 128K a words',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'many a');
      await appendAll(attacker, id, [{ role: 'user', content: repeated('a', DEFAULTS.contentBytes) }]);
      return () => ({ tool: 'search_messages', args: { query: `"${repeated('a', 64).trimEnd()}"` } });
    },
  },
  {
    id: 'search-long-words',
    kind: 'response',
    what: 'search_messages (limit 100): hits whose matched word is 40 KiB long',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'long words');
      await appendAll(
        attacker,
        id,
        Array.from({ length: 100 }, (_, j) => ({ role: 'user', content: `zq${unbrokenLetters(40 * KiB, 1300 + j)}` })),
      );
      return () => ({ tool: 'search_messages', args: { query: 'zq', limit: DEFAULTS.searchMax } });
    },
  },
  {
    id: 'list-metadata',
    kind: 'response',
    what: 'list_conversations (limit 100): 16 KiB of escape-heavy metadata and a 500-character title each',
    async setup({ attacker }) {
      for (let i = 0; i < DEFAULTS.listMax; i++) {
        // Stored JSON counts escapes: 16 KiB of JSON holds ~2,700 control characters.
        await attacker.call('create_conversation', {
          title: `t${i}`.padEnd(500, '\u0001'),
          metadata: { blob: escapeHeavy(2600, 1400 + i) },
        });
      }
      return () => ({ tool: 'list_conversations', args: { limit: DEFAULTS.listMax } });
    },
  },
  {
    id: 'list-query',
    kind: 'search',
    what: 'list_conversations: a 500-character query over 1,000 titles that almost match it',
    async setup({ attacker }) {
      for (let i = 0; i < 1000; i++) await attacker.call('create_conversation', { title: `${'a'.repeat(499)}b` });
      return () => ({ tool: 'list_conversations', args: { query: `${'a'.repeat(499)}c`, limit: DEFAULTS.listMax } });
    },
  },
  {
    id: 'complete-ids',
    kind: 'search',
    what: 'completion/complete of a conversation id from an empty prefix, over the 1,000+ conversations stored by list-query',
    async setup() {
      return () => ({
        method: 'completion/complete',
        params: { ref: { type: 'ref/resource', uri: 'conversation://{id}' }, argument: { name: 'id', value: '' } },
      });
    },
  },
  {
    id: 'export-metadata',
    kind: 'export',
    what: 'export_conversation (json, first page): 2,000 messages with 16 KiB of metadata each',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'metadata-heavy');
      const meta = (k: number) => ({ note: unbrokenLetters(16 * KiB - 64, 1500 + (k % 50)) });
      await appendAll(
        attacker,
        id,
        Array.from({ length: 2000 }, (_, k) => ({ role: 'user', content: `m${k}`, metadata: meta(k) })),
      );
      return () => ({ tool: 'export_conversation', args: { conversation_id: id, format: 'json' } });
    },
  },
  {
    id: 'export-escapes',
    kind: 'response',
    what: 'export_conversation (markdown, the page of one 256 KiB escape-heavy tool result)',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'escape-heavy export');
      await appendAll(
        attacker,
        id,
        toolRound(
          'x',
          1,
          () => '{}',
          () => escapeHeavy(DEFAULTS.contentBytes, 1600),
        ),
      );
      // The first page holds the call; the next one the result, alone (it is over a page).
      const first = await attacker.call('export_conversation', { conversation_id: id, format: 'markdown' });
      return () => ({
        tool: 'export_conversation',
        args: { conversation_id: id, format: 'markdown', cursor: first.next_cursor },
      });
    },
  },
  {
    id: 'prompt-summarize',
    kind: 'response',
    what: 'prompt summarize_conversation: a first message of 256 KiB escape-heavy text',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'escape-heavy summarize');
      await appendAll(attacker, id, [
        { role: 'user', content: escapeHeavy(DEFAULTS.contentBytes, 1700) },
        { role: 'assistant', content: 'ok' },
      ]);
      return () => ({ prompt: 'summarize_conversation', args: { conversation_id: id } });
    },
  },
  {
    id: 'import-10k',
    kind: 'lock',
    what: 'import_conversation: 10,000 messages (the import maximum), tool rounds included',
    async setup() {
      const messages: Msg[] = [];
      for (let r = 0; messages.length < 10_000; r++)
        messages.push(
          ...toolRound(
            `i${r}`,
            3,
            (j) => `{"n":${j}}`,
            () => 'result',
          ),
        );
      return () => ({ tool: 'import_conversation', args: { format: 'openai', data: messages.slice(0, 10_000) } });
    },
  },
  {
    id: 'fork-20k',
    kind: 'lock',
    what: 'fork_conversation: a copy of 20,000 messages',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'long conversation');
      await appendAll(
        attacker,
        id,
        Array.from({ length: 20_000 }, (_, k) => ({
          role: k % 2 ? 'assistant' : 'user',
          content: `message ${k} ${'x'.repeat(100)}`,
        })),
      );
      return () => ({ tool: 'fork_conversation', args: { conversation_id: id } });
    },
  },
  {
    id: 'rewind-20k',
    kind: 'lock',
    what: 'delete_messages from seq 1: 20,000 messages',
    async setup({ attacker, runs }) {
      const ids = await conversationsEach(attacker, runs, 'rewind', () =>
        Array.from({ length: 20_000 }, (_, k) => ({ role: 'user', content: `message ${k} ${'x'.repeat(100)}` })),
      );
      return (i) => ({ tool: 'delete_messages', args: { conversation_id: ids[i]!, from_seq: 1 } });
    },
  },
  {
    id: 'delete-20k',
    kind: 'lock',
    what: 'delete_conversation: 20,000 messages',
    async setup({ attacker, runs }) {
      const ids = await conversationsEach(attacker, runs, 'delete', () =>
        Array.from({ length: 20_000 }, (_, k) => ({ role: 'user', content: `message ${k} ${'x'.repeat(100)}` })),
      );
      return (i) => ({ tool: 'delete_conversation', args: { conversation_id: ids[i]! } });
    },
  },
  {
    id: 'restore-20k',
    kind: 'lock',
    what: 'restore_conversation: 20,000 messages back from the trash',
    async setup({ attacker, runs }) {
      const ids = await conversationsEach(attacker, runs, 'restore', () =>
        Array.from({ length: 20_000 }, (_, k) => ({ role: 'user', content: `message ${k} ${'x'.repeat(100)}` })),
      );
      for (const id of ids) await attacker.call('delete_conversation', { conversation_id: id });
      return (i) => ({ tool: 'restore_conversation', args: { conversation_id: ids[i]! } });
    },
  },
  {
    id: 'search-trash-1k',
    kind: 'search',
    what: 'search_messages of a word in every message, with 1,000 conversations in the trash to leave out',
    async setup({ attacker }) {
      for (let i = 0; i < 1000; i++) {
        const id = await conversation(attacker, `trashed ${i}`);
        await attacker.call('append_messages', {
          conversation_id: id,
          messages: [{ role: 'user', content: `binned words ${i}` }],
        });
        await attacker.call('delete_conversation', { conversation_id: id });
      }
      return () => ({ tool: 'search_messages', args: { query: 'binned', limit: DEFAULTS.searchMax } });
    },
  },
  {
    id: 'list-trash',
    kind: 'response',
    what: 'list_conversations (trash, limit 100) over the 1,000 trashed by search-trash-1k',
    async setup() {
      return () => ({ tool: 'list_conversations', args: { trash: true, limit: DEFAULTS.listMax } });
    },
  },
  {
    id: 'usage',
    kind: 'index',
    what: 'get_usage with the 1,000+ trashed conversations of the cases before',
    async setup() {
      return () => ({ tool: 'get_usage', args: {} });
    },
  },
  {
    id: 'audit-scan',
    kind: 'index',
    what: 'list_audit_events (limit 200) filtered on an operation none of 5,000+ events has: one bounded window',
    async setup({ attacker }) {
      const id = await conversation(attacker, 'audited');
      for (let i = 0; i < 5_000; i++)
        await attacker.call('update_conversation', { conversation_id: id, title: `t${i}` });
      return () => ({ tool: 'list_audit_events', args: { operation: 'erase', limit: 200 } });
    },
  },
  {
    id: 'viewer-list',
    kind: 'response',
    what: 'viewer GET /api/conversations (limit 100) over the 1,000+ conversations, metadata-heavy ones included',
    httpOnly: true,
    async setup() {
      return () => ({ viewer: `/api/conversations?limit=${DEFAULTS.listMax}` });
    },
  },
  {
    id: 'viewer-messages',
    kind: 'response',
    what: 'viewer GET /api/conversations/:id/messages (limit 500) of history-escapes: 80 KiB escape-heavy results',
    httpOnly: true,
    async setup({ attacker }) {
      const id = await conversationTitled(attacker, 'escape-heavy results');
      return () => ({ viewer: `/api/conversations/${id}/messages?after_seq=0&limit=${DEFAULTS.historyMax}` });
    },
  },
  {
    id: 'viewer-search',
    kind: 'search',
    what: "viewer GET /api/search of a word in each of another owner's 20,000 messages (search-common's)",
    httpOnly: true,
    async setup() {
      return () => ({
        viewer: `/api/search?query=${encodeURIComponent('usual words the')}&limit=${DEFAULTS.searchMax}`,
      });
    },
  },
  {
    id: 'viewer-export',
    kind: 'export',
    what: 'viewer GET /api/conversations/:id/export (markdown) of a 256 KiB escape-heavy tool result',
    httpOnly: true,
    async setup({ attacker }) {
      const id = await conversationTitled(attacker, 'escape-heavy export');
      return () => ({ viewer: `/api/conversations/${id}/export?format=markdown` });
    },
  },
  {
    id: 'viewer-export-large',
    kind: 'export',
    what: 'viewer GET /api/conversations/:id/export (json) of 2,000 messages with 16 KiB metadata each: past the download bound',
    httpOnly: true,
    refused: /too large to download/,
    async setup({ attacker }) {
      const id = await conversationTitled(attacker, 'metadata-heavy');
      return () => ({ viewer: `/api/conversations/${id}/export?format=json` });
    },
  },
];
