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
  private readonly waiters: Waiter[] = [];

  constructor(readonly totalBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Takes `size` bytes now when free (true), else false: call `reserve`. */
  tryReserve(size: number): boolean {
    if (this.waiters.length > 0 || this.used + size > this.totalBytes) return false;
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
    while (this.waiters.length > 0) {
      const next = this.waiters[0] as Waiter;
      if (this.used + next.size > this.totalBytes) break;
      this.waiters.shift();
      clearTimeout(next.timer);
      this.used += next.size;
      next.resolve();
    }
  }

  /** Fails every waiting send (close). */
  failWaiters(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
    // The head may have been the one blocking smaller requests behind it.
    this.release(0);
  }
}
