/**
 * SerialQueue: runs async tasks one at a time, in submission order — the single writer. A task
 * starts only after the previous one settled, so two tasks never interleave across an `await`.
 * A failed task rejects its own caller only; the queue goes on.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task submitted so far has settled. */
  async drain(): Promise<void> {
    await this.run(async () => undefined);
  }
}
