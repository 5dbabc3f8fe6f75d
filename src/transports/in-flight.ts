/**
 * Requests being handled, and a way to wait until there are none: what a graceful shutdown
 * waits for (http.ts), so that an append in flight commits or rolls back whole before the
 * database closes.
 */
export class InFlight {
  count = 0;
  private waiters: Array<() => void> = [];

  start(): () => void {
    this.count++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.count === 0) for (const w of this.waiters.splice(0)) w();
    };
  }

  /** True once none are left; false when the timeout came first. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
