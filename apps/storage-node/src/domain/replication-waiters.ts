/**
 * ReplicationWaiters: acks=all appends waiting for the high watermark to pass their last offset.
 * Kept in offset order (appends arrive in offset order, so adding is a push), each high-watermark
 * move resolves a prefix — no waiter is woken for a change that cannot complete it. A waiter ends
 * exactly once: replicated, timed out, or failed (leadership lost).
 */
import type { Clock, TimerHandle } from '@samsa/common';

interface Waiter {
  offset: number;
  resolve(): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

export class ReplicationWaiters {
  private waiters: Waiter[] = [];

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.waiters.length;
  }

  /** Resolves once `completed(offset)`; rejects with `timeoutError()` after `timeoutMs`. */
  wait(offset: number, timeoutMs: number, timeoutError: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        offset,
        resolve,
        reject,
        timer: this.clock.setTimer(Math.max(0, timeoutMs), () => {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          reject(timeoutError());
        }),
      };
      let at = this.waiters.length;
      while (at > 0 && (this.waiters[at - 1] as Waiter).offset > offset) at--;
      this.waiters.splice(at, 0, waiter);
    });
  }

  /** Ends every waiter whose offset is below `highWatermark`: resolved, or rejected with `failure()` when given. */
  complete(highWatermark: number, failure?: () => Error): void {
    let done = 0;
    while (done < this.waiters.length && (this.waiters[done] as Waiter).offset < highWatermark) done++;
    if (done === 0) return;
    const finished = this.waiters.slice(0, done);
    this.waiters = this.waiters.slice(done);
    for (const waiter of finished) {
      waiter.timer.cancel();
      if (failure) waiter.reject(failure());
      else waiter.resolve();
    }
  }

  /** Fails every waiter (leadership lost). */
  failAll(error: () => Error): void {
    this.complete(Number.POSITIVE_INFINITY, error);
  }
}
