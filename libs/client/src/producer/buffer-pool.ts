/**
 * BufferPool: Kafka's buffer.memory. Every record reserves its estimated size before it joins a
 * batch and gives it back when its batch completes. When the pool is exhausted, send() waits in
 * FIFO order up to what is left of max.block.ms, then fails with a clear error.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';

interface Waiter {
  size: number;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class BufferPool {
  private used = 0;
  /** FIFO of blocked sends: `waiters[head..]` are waiting (a removed one is left as undefined). */
  private waiters: Array<Waiter | undefined> = [];
  private head = 0;

  constructor(readonly totalBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Takes `size` bytes now when free (true), else false: call `reserve`. */
  tryReserve(size: number): boolean {
    if (this.waiting > 0 || this.used + size > this.totalBytes) return false;
    this.used += size;
    return true;
  }

  /** Waits up to `maxWaitMs` for `size` bytes. */
  reserve(size: number, maxWaitMs: number): Promise<void> {
    if (size > this.totalBytes) {
      return Promise.reject(new SamsaError(ErrorCode.MESSAGE_TOO_LARGE, `the record is ${size} bytes when serialized, more than bufferMemory (${this.totalBytes})`, { retriable: false }));
    }
    if (this.tryReserve(size)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        size,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(
            new SamsaError(
              ErrorCode.REQUEST_TIMED_OUT,
              `send() could not get ${size} bytes of buffer memory within maxBlockMs (${maxWaitMs} ms): bufferMemory (${this.totalBytes} bytes) is full of records not yet delivered`,
              { retriable: false },
            ),
          );
        }, Math.max(0, maxWaitMs)),
      };
      this.waiters.push(waiter);
    });
  }

  release(size: number): void {
    this.used = Math.max(0, this.used - size);
    while (this.head < this.waiters.length) {
      const next = this.waiters[this.head];
      if (next === undefined) {
        this.head++;
        continue;
      }
      if (this.used + next.size > this.totalBytes) break;
      this.waiters[this.head++] = undefined;
      clearTimeout(next.timer);
      this.used += next.size;
      next.resolve();
    }
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }

  /** Fails every waiting send (close). */
  failWaiters(error: Error): void {
    const waiting = this.waiters.slice(this.head);
    this.waiters = [];
    this.head = 0;
    for (const waiter of waiting) {
      if (!waiter) continue;
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private get waiting(): number {
    return this.waiters.length - this.head;
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter, this.head);
    if (index >= 0) this.waiters[index] = undefined;
    // The head may have been the one blocking smaller requests behind it.
    this.release(0);
  }
}
