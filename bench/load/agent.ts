/**
 * What one agent does in each phase.
 *
 * session: initialize, tools/list, create_conversation with a key (get-or-create; an agent
 * comes back to each of its 3 keys every 3rd session), then turns until `sessionTurns`:
 *   append_messages  1 user message
 *   every 5th turn:  append_messages  an assistant tool call + its tool result (2 messages)
 *   append_messages  the assistant's reply
 *   every 3rd turn:  get_context (max_tokens 4000)
 *   every 10th turn: search_messages (two topic words, across the owner's conversations)
 * ping: ping in a loop. append: append_messages of 1 user message in a loop.
 */
import { rng } from '../corpus.js';
import type { McpConn } from './client.js';
import { type Recorder, sleep } from './phase.js';

const TOPICS = [
  'kubernetes',
  'invoice',
  'postgres',
  'weather',
  'deployment',
  'refund',
  'latency',
  'migration',
  'calendar',
  'billing',
  'terraform',
  'dashboard',
  'certificate',
  'backup',
  'pipeline',
  'firmware',
];
const WORDS = (
  'the a to of and in for is on that with it as was at be this by from or an are not have but ' +
  'we can will should could would please check run again after before then now why how what ' +
  'server request error timeout user account config cluster node queue cache token report file ' +
  'table index query update release version build test log metric alert service region'
).split(' ');

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** English-like text of `min`..`max` words, mentioning one or two topics. */
function text(r: () => number, min: number, max: number): string {
  const n = min + Math.floor(r() * (max - min));
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(r() < 0.08 ? pick(r, TOPICS) : pick(r, WORDS));
  return `${words.join(' ')}.`;
}

export interface AgentCtx {
  index: number;
  /** A new, unconnected connection to this agent's instance, as this agent's owner. */
  open(): McpConn;
  sessionTurns: number;
}

/** A connected connection and a conversation for the ping / append loops (set up untimed). */
export async function prepare(ctx: AgentCtx, key: string): Promise<{ conn: McpConn; id: string }> {
  const conn = ctx.open();
  await conn.connect();
  const id = (await conn.callTool('create_conversation', { key, title: key })).conversation.id as string;
  return { conn, id };
}

export async function pingLoop(conn: McpConn, rec: Recorder): Promise<void> {
  while (!rec.stopped) {
    await rec.time('ping', () => conn.ping()).catch(() => sleep(20));
  }
}

export async function appendLoop(ctx: AgentCtx, conn: McpConn, id: string, rec: Recorder): Promise<void> {
  const r = rng(ctx.index + 1_000_000);
  while (!rec.stopped) {
    const messages = [{ role: 'user', content: text(r, 20, 80) }];
    await rec
      .time('append_messages(1)', () => conn.callTool('append_messages', { conversation_id: id, messages }))
      .catch(() => sleep(20));
  }
}

/** Operation names, in the order the tables list them. */
export const OPS = [
  'ping',
  'append_messages(1)',
  'initialize',
  'tools/list',
  'create_conversation(key)',
  'append(user)',
  'append(tool round: 2)',
  'append(assistant)',
  'get_context(4000)',
  'search_messages',
] as const;

let callIds = 0;

async function turn(conn: McpConn, id: string, t: number, r: () => number, rec: Recorder): Promise<void> {
  const append = (op: string, messages: object[]) =>
    rec.time(op, () => conn.callTool('append_messages', { conversation_id: id, messages }));
  await append('append(user)', [{ role: 'user', content: text(r, 10, 60) }]);
  if (t % 5 === 0) {
    const callId = `call_${process.pid}_${++callIds}`;
    const query = `${pick(r, TOPICS)} ${pick(r, WORDS)}`;
    await append('append(tool round: 2)', [
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: callId, type: 'function', function: { name: 'search_docs', arguments: JSON.stringify({ query }) } },
        ],
      },
      { role: 'tool', tool_call_id: callId, content: JSON.stringify({ results: [text(r, 20, 60), text(r, 20, 60)] }) },
    ]);
  }
  await append('append(assistant)', [{ role: 'assistant', content: text(r, 40, 150) }]);
  if (t % 3 === 0)
    await rec.time('get_context(4000)', () => conn.callTool('get_context', { conversation_id: id, max_tokens: 4000 }));
  if (t % 10 === 0) {
    const query = `${pick(r, TOPICS)} ${pick(r, TOPICS)}`;
    await rec.time('search_messages', () => conn.callTool('search_messages', { query, limit: 10 }));
  }
}

export async function sessionLoop(ctx: AgentCtx, rec: Recorder): Promise<void> {
  const r = rng(ctx.index + 1);
  for (let session = 0; !rec.stopped; session++) {
    const conn = ctx.open();
    try {
      await rec.time('initialize', () => conn.connect(), 2);
      await rec.time('tools/list', () => conn.listTools());
      const key = `agent-${ctx.index}-${session % 3}`;
      const created = await rec.time('create_conversation(key)', () =>
        conn.callTool('create_conversation', { key, title: `agent ${ctx.index} thread ${session % 3}` }),
      );
      const id = created.conversation.id as string;
      // The first session starts at a turn of its own, so that the agents' tool rounds,
      // get_context and search calls (and later their new sessions) do not all fall together.
      const first = session === 0 ? 1 + ((ctx.index * 7) % ctx.sessionTurns) : 1;
      for (let t = first; t <= ctx.sessionTurns && !rec.stopped; t++) await turn(conn, id, t, r, rec);
    } catch {
      await sleep(20); // recorded; start a new session
    } finally {
      await conn.close().catch(() => {});
    }
  }
}
