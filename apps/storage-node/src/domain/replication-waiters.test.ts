import { ManualClock } from '@samsa/common';
import { describe, expect, it } from 'vitest';
import { ReplicationWaiters } from './replication-waiters.js';

describe('ReplicationWaiters', () => {
  it('resolves exactly the waiters whose offsets the high watermark passed, in order', async () => {
    const waiters = new ReplicationWaiters(new ManualClock());
    const done: number[] = [];
    const waits = [4, 9, 2, 15].map((offset) => waiters.wait(offset, 1000, () => new Error('timeout')).then(() => done.push(offset)));
    waiters.complete(10);
    await Promise.all(waits.slice(0, 3));
    expect(done).toEqual([2, 4, 9]);
    expect(waiters.size).toBe(1);
    waiters.complete(16);
    await waits[3];
    expect(done).toEqual([2, 4, 9, 15]);
  });

  it('times a waiter out on the clock and fails the rest when leadership is lost', async () => {
    const clock = new ManualClock();
    const waiters = new ReplicationWaiters(clock);
    const early = waiters.wait(5, 100, () => new Error('timed out'));
    const late = waiters.wait(6, 10_000, () => new Error('timed out'));
    clock.advance(100);
    await expect(early).rejects.toThrow('timed out');
    waiters.failAll(() => new Error('not leader'));
    await expect(late).rejects.toThrow('not leader');
    expect(waiters.size).toBe(0);
  });
});
