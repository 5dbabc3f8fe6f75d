/**
 * Deterministic synthetic chat data: conversation lengths, message text and tool rounds.
 *
 * Shape (what makes the figures realistic rather than flattering):
 * - Conversation lengths are log-normal with mean ~50 (median ~21) and a tail into the
 *   thousands, capped at 5,000 messages.
 * - A conversation is a run of turns: user, then assistant; ~20% of assistant messages carry
 *   1–3 tool_calls, each answered by a tool message, then the assistant answers.
 * - Text is drawn from a Zipf-distributed vocabulary of made-up words, so full-text search
 *   and token counts behave like prose. One marker word, RARE_WORD, is planted in ~0.1% of
 *   messages, for a search whose hit rate does not depend on the database size.
 */

/** Marker word planted in RARE_RATE of messages (never produced by the vocabulary). */
export const RARE_WORD = 'zephyrine';
export const RARE_RATE = 0.001;

export type Rng = () => number;

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(r: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Log-normal with mu 3.066, sigma 1.3: mean ~50, median ~21, p99.99 ~2,600. */
export function conversationLength(r: Rng): number {
  return Math.max(2, Math.min(5000, Math.round(Math.exp(3.066 + 1.3 * normal(r)))));
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'te',
  'vi',
  'do',
  'pa',
  'gri',
  'sto',
  'ber',
  'lin',
  'qua',
  'mor',
  'tes',
  'ion',
  'al',
  'en',
];

export class TextSource {
  private readonly words: string[];
  /** A long pre-drawn word stream; message text is a window of it, so generating is cheap. */
  private readonly stream: string[];

  constructor(private readonly r: Rng) {
    const vocab = new Set<string>();
    while (vocab.size < 3000) {
      const n = 1 + Math.floor(r() * 3);
      let w = '';
      for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
      if (w !== RARE_WORD) vocab.add(w);
    }
    this.words = [...vocab];
    // Zipf(1): P(rank k) ∝ 1/k, sampled by inverting the cumulative harmonic sums.
    const cumulative: number[] = [];
    let sum = 0;
    for (let k = 1; k <= this.words.length; k++) {
      sum += 1 / k;
      cumulative.push(sum);
    }
    this.stream = Array.from({ length: 1 << 17 }, () => {
      const x = r() * sum;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return this.words[lo]!;
    });
  }

  /** About `chars` characters of prose (whole words), with RARE_WORD in ~RARE_RATE of calls. */
  text(chars: number): string {
    const words = Math.max(1, Math.round(chars / 6.5));
    const at = Math.floor(this.r() * (this.stream.length - words));
    const s = this.stream.slice(at, at + words);
    if (this.r() < RARE_RATE) s[Math.floor(this.r() * s.length)] = RARE_WORD;
    return s.join(' ');
  }

  word(): string {
    return this.words[Math.floor(this.r() * this.words.length)]!;
  }
}

export interface ToolCallRow {
  id: string;
  name: string;
  arguments: string;
}

export interface MessageRow {
  role: 'user' | 'assistant' | 'tool';
  content: string | null;
  toolCalls?: ToolCallRow[];
  toolCallId?: string;
}

const TOOL_NAMES = ['search_web', 'read_file', 'run_sql', 'get_weather', 'list_directory', 'http_get'];

/** Content length in characters: a rough log-normal around the mean for the role. */
function size(r: Rng, mean: number): number {
  return Math.max(8, Math.round(mean * Math.exp(0.6 * normal(r) - 0.18)));
}

/**
 * The messages of one conversation, in order, one turn at a time (so callers can interleave
 * conversations the way concurrent agents would). `callPrefix` keeps call ids unique.
 */
export function* turns(r: Rng, t: TextSource, length: number, callPrefix: string): Generator<MessageRow[]> {
  let emitted = 0;
  let call = 0;
  const emit = function* (batch: MessageRow[]): Generator<MessageRow[]> {
    const take = batch.slice(0, length - emitted);
    emitted += take.length;
    if (take.length > 0) yield take;
  };
  while (emitted < length) {
    yield* emit([{ role: 'user', content: t.text(size(r, 160)) }]);
    if (r() < 0.2) {
      const calls: ToolCallRow[] = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({
        id: `call_${callPrefix}_${call++}`,
        name: TOOL_NAMES[Math.floor(r() * TOOL_NAMES.length)]!,
        arguments: JSON.stringify({ query: t.text(size(r, 40)), limit: 1 + Math.floor(r() * 20) }),
      }));
      const round: MessageRow[] = [
        { role: 'assistant', content: r() < 0.5 ? null : t.text(size(r, 80)), toolCalls: calls },
      ];
      for (const c of calls) round.push({ role: 'tool', content: t.text(size(r, 450)), toolCallId: c.id });
      yield* emit(round);
    }
    yield* emit([{ role: 'assistant', content: t.text(size(r, 420)) }]);
  }
}

/** A batch as append_messages takes it: realistic mix, tool results answering calls in the batch. */
export function appendBatch(r: Rng, t: TextSource, count: number, callPrefix: string): MessageRow[] {
  const out: MessageRow[] = [];
  for (const turn of turns(r, t, count, callPrefix)) out.push(...turn);
  // A batch that ends right after a call (its result cut off) is fine: a call may stay open.
  return out;
}

/** The MCP wire shape of a message (append_messages input). */
export function toWire(m: MessageRow): Record<string, unknown> {
  const wire: Record<string, unknown> = { role: m.role, content: m.content };
  if (m.toolCalls)
    wire.tool_calls = m.toolCalls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    }));
  if (m.toolCallId !== undefined) wire.tool_call_id = m.toolCallId;
  return wire;
}
