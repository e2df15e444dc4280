/**
 * Wakeup: lets `poll` and `position` wait for "something changed" (records buffered, a position
 * set, a partition failed) with a timeout, without polling. Every wait owns one timer, cleared
 * when it resolves; `close()` resolves all waits at once and makes later waits resolve at once.
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();
  private closed = false;

  /** Resolves on the next `notify()`, after `timeoutMs`, or on `close()`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  notify(): void {
    for (const done of [...this.waiters]) done();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }
}
