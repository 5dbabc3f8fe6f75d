/**
 * Fitting the most recent messages of a conversation into a budget, without breaking a tool
 * round apart. Pure: no database, no tokenizer; the caller feeds messages newest first (in
 * pages, so it reads only what the budget can hold) and says what each one costs.
 *
 * The rule: an assistant message with tool_calls and every tool message answering one of its
 * calls form one indivisible group, defined by call ids, not by adjacency (results may be
 * interleaved with other messages or with another round's results). The window is a suffix
 * of the messages offered, so a group is inside it exactly when its oldest member (the
 * assistant message) is: a cut is valid when no tool result after it answers a call made
 * before it. The window is the longest suffix that ends at a valid cut and fits the budget;
 * it stops at the first message that would overflow, even if a smaller older one would fit,
 * because a window with a hole is no longer a suffix.
 */

/** What the grouping rule needs to know about a message. */
export interface WindowItem {
  tool_calls?: ReadonlyArray<{ id: string }>;
  tool_call_id?: string;
}

export interface WindowCost {
  tokens: number;
  /** Bytes of the response it adds (content, tool call arguments, metadata). */
  bytes: number;
}

export interface WindowBudget {
  tokens: number;
  /** Optional cap on response size, so a huge token budget cannot outgrow the transport. */
  bytes?: number;
}

/**
 * Why the window ends where it does: the next older message would exceed the token budget
 * ('tokens') or the byte cap ('bytes'), or there was no older message to offer ('start').
 */
export type StopReason = 'tokens' | 'bytes' | 'start';

export interface WindowResult<M> {
  /** The window, oldest first. */
  messages: M[];
  tokens: number;
  bytes: number;
  stoppedBy: StopReason;
}

/** Incremental builder: offer() messages newest first, with their cost, until it returns false, then finish(). */
export class ContextWindow<M extends WindowItem> {
  /** Newest first; always ends at a valid cut. */
  private readonly taken: M[] = [];
  /** Offered since the last valid cut, newest first: kept only if their groups complete. */
  private readonly pending: M[] = [];
  /** Call ids answered by a pending tool result whose call has not been offered yet. */
  private readonly open = new Set<string>();
  private used: WindowCost = { tokens: 0, bytes: 0 };
  private pendingCost: WindowCost = { tokens: 0, bytes: 0 };
  private stop: StopReason | undefined;

  constructor(private readonly budget: WindowBudget) {}

  /**
   * What the next message may cost at most to be taken: its bytes must be known first (they
   * are cheap), its tokens only up to the answer (counting can stop there). undefined once
   * the window is closed or the bytes alone would not fit, which closes it.
   */
  tokensLeftFor(bytes: number): number | undefined {
    if (this.stop !== undefined) return undefined;
    if (this.budget.bytes !== undefined && this.used.bytes + this.pendingCost.bytes + bytes > this.budget.bytes) {
      this.stop = 'bytes';
      return undefined;
    }
    return this.budget.tokens - this.used.tokens - this.pendingCost.tokens;
  }

  /** Offer the next older message and what it costs. Returns false once the window is closed. */
  offer(m: M, c: WindowCost): boolean {
    if (this.stop !== undefined) return false;
    const tokens = this.used.tokens + this.pendingCost.tokens + c.tokens;
    const bytes = this.used.bytes + this.pendingCost.bytes + c.bytes;
    if (tokens > this.budget.tokens) this.stop = 'tokens';
    else if (this.budget.bytes !== undefined && bytes > this.budget.bytes) this.stop = 'bytes';
    if (this.stop !== undefined) return false;

    this.pending.push(m);
    this.pendingCost = { tokens: this.pendingCost.tokens + c.tokens, bytes: this.pendingCost.bytes + c.bytes };
    if (m.tool_call_id !== undefined) this.open.add(m.tool_call_id);
    for (const call of m.tool_calls ?? []) this.open.delete(call.id);
    if (this.open.size === 0) {
      // Every result offered so far has its call: the cut before m is valid.
      this.taken.push(...this.pending);
      this.used = { tokens: tokens, bytes: bytes };
      this.pending.length = 0;
      this.pendingCost = { tokens: 0, bytes: 0 };
    }
    return true;
  }

  /**
   * The window. Messages still pending (results whose call lies before the oldest message
   * offered, e.g. inside a summary) are left out, so the window never starts with an orphan.
   */
  finish(): WindowResult<M> {
    return {
      messages: [...this.taken].reverse(),
      tokens: this.used.tokens,
      bytes: this.used.bytes,
      stoppedBy: this.stop ?? 'start',
    };
  }
}
