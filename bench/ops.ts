/**
 * The operations measured at every size, and their arguments. The server, the raw-SQL limit
 * and the in-process profile all use the same inputs (same text, same batches), so their
 * figures compare the same rows.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { appendBatch, type MessageRow, RARE_WORD, rng, TextSource, toWire } from './corpus.js';
import type { Target } from './fill.js';
import type { RawStore } from './raw.js';
import { FAST, type Plan, SLOW } from './stats.js';

export interface OpSpec {
  label: string;
  tool: string;
  plan: Plan;
  /** Messages written per call (for messages/s), 0 for reads. */
  writes: number;
  /** `prefix` keeps tool-call ids unique when the same batch is appended twice to one file. */
  args(i: number, prefix?: string): Record<string, unknown>;
  /**
   * The same rows with raw SQL; `shape` is the server's first answer (for how many rows it
   * read), `prefix` as for args().
   */
  raw(store: RawStore, shape: any, prefix?: string): ((i: number) => unknown) | null;
}

const SEARCH_LIMIT = 20;
const CONTEXT_TOKENS = 4000;

/** Same messages, new call ids. */
function renamed(rows: readonly MessageRow[], prefix: string): MessageRow[] {
  if (prefix === '') return rows as MessageRow[];
  return rows.map((m) => ({
    ...m,
    ...(m.toolCalls && { toolCalls: m.toolCalls.map((c) => ({ ...c, id: prefix + c.id })) }),
    ...(m.toolCallId !== undefined && { toolCallId: prefix + m.toolCallId }),
  }));
}

export function operations(
  targets: Record<'history' | 'context' | 'append', Target>,
  tools: readonly Tool[],
): OpSpec[] {
  const text = new TextSource(rng(7));
  const single = Array.from({ length: FAST.warmup + FAST.n }, () => text.text(200));
  const r = rng(99);
  const batches = Array.from({ length: SLOW.warmup + SLOW.n }, (_, i) => appendBatch(r, text, 100, `b${i}`));
  const one = (i: number): MessageRow[] => [{ role: 'user', content: single[i % single.length]! }];
  const batch = (i: number, prefix = '') =>
    renamed(batches[i % batches.length]!, i >= batches.length ? `${prefix}w${i}_` : prefix);
  const has = (name: string) => tools.some((t) => t.name === name);
  const props = (name: string) => Object.keys(tools.find((t) => t.name === name)?.inputSchema.properties ?? {});
  const rowsIn = (shape: any): number => (Array.isArray(shape?.messages) ? shape.messages.length : 50);

  const ops: OpSpec[] = [
    {
      label: 'get_history (last 50)',
      tool: 'get_history',
      plan: FAST,
      writes: 0,
      args: () => ({ conversation_id: targets.history.id, limit: 50 }),
      raw: (s) => () => s.history(targets.history.id, 50),
    },
    {
      label: 'get_conversation',
      tool: 'get_conversation',
      plan: FAST,
      writes: 0,
      args: () => ({ conversation_id: targets.history.id }),
      raw: (s) => () => s.conversation(targets.history.id),
    },
    {
      label: 'list_conversations (20)',
      tool: 'list_conversations',
      plan: FAST,
      writes: 0,
      args: () => ({ limit: 20 }),
      raw: (s) => () => s.list(20),
    },
  ];
  if (has('search_messages')) {
    const q = props('search_messages').find((p) => ['query', 'q', 'text'].includes(p)) ?? 'query';
    const withLimit = props('search_messages').includes('limit');
    ops.push({
      label: `search_messages ("${RARE_WORD}", ~0.1%)`,
      tool: 'search_messages',
      plan: FAST,
      writes: 0,
      args: () => ({ [q]: RARE_WORD, ...(withLimit && { limit: SEARCH_LIMIT }) }),
      raw: (s) => (s.search ? () => s.search!(RARE_WORD, SEARCH_LIMIT) : null),
    });
  }
  if (has('get_context')) {
    ops.push({
      label: `get_context (${CONTEXT_TOKENS} tokens, ${targets.context.length} msgs)`,
      tool: 'get_context',
      plan: FAST,
      writes: 0,
      args: () => ({ conversation_id: targets.context.id, max_tokens: CONTEXT_TOKENS }),
      raw: (s, shape) => {
        const k = rowsIn(shape);
        return () => s.history(targets.context.id, k);
      },
    });
  }
  // Writes last: the reads see the seeded file as it is, not one grown by the appends.
  ops.push(
    {
      label: 'append_messages (1)',
      tool: 'append_messages',
      plan: FAST,
      writes: 1,
      args: (i) => ({ conversation_id: targets.append.id, messages: one(i).map(toWire) }),
      raw: (s) => (i) => s.append(targets.append.id, one(i)),
    },
    {
      label: 'append_messages (100)',
      tool: 'append_messages',
      plan: SLOW,
      writes: 100,
      args: (i, prefix) => ({ conversation_id: targets.append.id, messages: batch(i, prefix).map(toWire) }),
      raw: (s, _shape, prefix) => (i) => s.append(targets.append.id, batch(i, prefix)),
    },
  );
  return ops;
}
