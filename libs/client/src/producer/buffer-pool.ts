/**
 * BufferPool: Kafka's buffer.memory. Every record reserves its estimated size before it joins a
 * batch and gives it back when its batch completes. When the pool is exhausted, send() waits in
 * FIFO order up to what is left of max.block.ms, then fails with a clear error. One timer serves
 * all waiters: they queue in arrival order, so the earliest deadline is always the next one due.
 * A waiter is told synchronously, inside the `release` that frees its bytes: a blocked send joins
 * its batch at once, with no promise hops per record.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';

/** Something waiting for `size` bytes: exactly one of `granted` (the bytes are reserved for it) or `refused` is called. */
export interface PoolWaiter {
  readonly size: number;
  granted(): void;
  refused(error: Error): void;
}

interface Waiter {
  waiter: PoolWaiter;
  deadlineMs: number;
  maxWaitMs: number;
}

/** The waiter behind `reserve()`: settles its promise. */
class PromisedWaiter implements PoolWaiter {
  readonly promise: Promise<void>;
  granted!: () => void;
  refused!: (error: Error) => void;

  constructor(readonly size: number) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.granted = resolve;
      this.refused = reject;
    });
  }
}

export class BufferPool {
  private used = 0;
  /** FIFO of blocked sends: `waiters[head..]` are waiting. */
  private waiters: Waiter[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly totalBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Takes `size` bytes now when free (true), else false: call `reserve`. */
  tryReserve(size: number): boolean {
    if (this.head < this.waiters.length || this.used + size > this.totalBytes) return false;
    this.used += size;
    return true;
  }

  /** Waits up to `maxWaitMs` for `size` bytes. */
  reserve(size: number, maxWaitMs: number): Promise<void> {
    const waiter = new PromisedWaiter(size);
    this.enqueue(waiter, maxWaitMs);
    return waiter.promise;
  }

  /** Reserves `waiter.size` bytes for `waiter` now if it can, else once they are free, waiting up to `maxWaitMs`; tells `waiter` either way. */
  enqueue(waiter: PoolWaiter, maxWaitMs: number): void {
    if (waiter.size > this.totalBytes) {
      waiter.refused(new SamsaError(ErrorCode.MESSAGE_TOO_LARGE, `the record is ${waiter.size} bytes when serialized, more than bufferMemory (${this.totalBytes})`, { retriable: false }));
    } else if (this.tryReserve(waiter.size)) waiter.granted();
    else {
      this.waiters.push({ waiter, deadlineMs: Date.now() + Math.max(0, maxWaitMs), maxWaitMs });
      this.arm();
    }
  }

  release(size: number): void {
    this.used = Math.max(0, this.used - size);
    while (this.head < this.waiters.length) {
      const next = (this.waiters[this.head] as Waiter).waiter;
      if (this.used + next.size > this.totalBytes) break;
      this.head++;
      this.used += next.size;
      next.granted();
    }
    this.compact();
    this.arm();
  }

  /** Fails every waiting send (close). */
  failWaiters(error: Error): void {
    const waiting = this.waiters.slice(this.head);
    this.waiters = [];
    this.head = 0;
    this.arm();
    for (const { waiter } of waiting) waiter.refused(error);
  }

  /** Keeps one timer for the head waiter's deadline (none when nobody waits). */
  private arm(): void {
    const next = this.waiters[this.head];
    if (!next) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => this.expire(), Math.max(0, next.deadlineMs - Date.now()));
  }

  private expire(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.head < this.waiters.length && (this.waiters[this.head] as Waiter).deadlineMs <= now) {
      const { waiter, maxWaitMs } = this.waiters[this.head++] as Waiter;
      waiter.refused(
        new SamsaError(
          ErrorCode.REQUEST_TIMED_OUT,
          `send() could not get ${waiter.size} bytes of buffer memory within maxBlockMs (waited ${maxWaitMs} ms): bufferMemory (${this.totalBytes} bytes) is full of records not yet delivered`,
          { retriable: false },
        ),
      );
    }
    // The expired head may have been blocking smaller requests behind it.
    this.release(0);
  }

  private compact(): void {
    if (this.head === this.waiters.length) {
      this.waiters = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
