/**
 * ChangeSignal: a partition's "something changed" notification (append, high-watermark move,
 * leadership change). Long-poll fetches and fetch streams wait on it instead of polling (acks=all
 * produces wait on the high watermark itself, see replication-waiters.ts); each wait has a timer.
 */
export class ChangeSignal {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
