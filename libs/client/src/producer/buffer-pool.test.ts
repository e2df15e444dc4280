import { hasErrorCode } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.js';

describe('BufferPool', () => {
  it('hands out memory until full, then serves waiters in order as memory comes back', async () => {
    const pool = new BufferPool(2048);
    expect(pool.tryReserve(1500)).toBe(true);
    const order: string[] = [];
    const first = pool.reserve(1000, 10_000).then(() => order.push('first'));
    const second = pool.reserve(100, 10_000).then(() => order.push('second'));
    expect(pool.tryReserve(10)).toBe(false); // waiters go first
    pool.release(1500);
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(pool.usedBytes).toBe(1100);
  });

  it('fails a waiter after maxBlockMs with a clear error, and rejects records larger than the pool', async () => {
    const pool = new BufferPool(1024);
    expect(pool.tryReserve(1024)).toBe(true);
    const error = await pool.reserve(10, 20).catch((e: unknown) => e);
    expect(hasErrorCode(error, ErrorCode.REQUEST_TIMED_OUT)).toBe(true);
    expect((error as Error).message).toMatch(/maxBlockMs/);
    expect(hasErrorCode(await pool.reserve(5000, 20).catch((e: unknown) => e), ErrorCode.MESSAGE_TOO_LARGE)).toBe(true);
  });

  it('tells a queued waiter inside the release that frees its bytes, and refuses one larger than the pool at once', () => {
    const pool = new BufferPool(1000);
    const heard: string[] = [];
    const waiter = (name: string, size: number) => ({ size, granted: () => heard.push(`${name} granted`), refused: (error: Error) => heard.push(`${name} refused: ${error.message}`) });
    pool.enqueue(waiter('a', 600), 10_000);
    pool.enqueue(waiter('b', 600), 10_000);
    pool.enqueue(waiter('huge', 5000), 10_000);
    expect(heard).toEqual(['a granted', 'huge refused: the record is 5000 bytes when serialized, more than bufferMemory (1000)']);
    pool.release(600);
    expect(heard.at(-1)).toBe('b granted');
    expect(pool.usedBytes).toBe(600);
  });
});
