/**
 * ChangeSignal: a partition's "something changed" notification (append, high-watermark move,
 * leadership change). Waiters — long-poll fetches, acks=all produces, fetch streams — await the
 * next change instead of polling; each wait is bounded by its own timer.
 */
export class ChangeSignal {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves at the next change; `cancel` stops waiting. */
  next(): { promise: Promise<void>; cancel(): void } {
    let cancel = () => undefined as unknown;
    const promise = new Promise<void>((resolve) => {
      cancel = this.subscribe(() => {
        cancel();
        resolve();
      });
    });
    return { promise, cancel: () => void cancel() };
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
