import { describe, expect, it } from 'vitest';
import { ProducerIdBlocks, type ProducerIdBlock } from './producer-id-blocks.js';

/** A fake AllocateProducerIds: each request waits until the test grants or fails it. */
class FakeAllocator {
  readonly requests: Array<{ resolve(block: ProducerIdBlock): void; reject(error: unknown): void }> = [];
  private nextFirst = 0;

  readonly allocate = (): Promise<ProducerIdBlock> =>
    new Promise((resolve, reject) => {
      this.requests.push({ resolve, reject });
    });

  /** Grants the oldest open request with the next block of `count` ids (as the controller would). */
  grant(count: number, first = this.nextFirst): ProducerIdBlock {
    const request = this.requests.shift();
    if (!request) throw new Error('no open allocation request');
    const block = { firstProducerId: first, count };
    this.nextFirst = first + count;
    request.resolve(block);
    return block;
  }

  fail(error: unknown): void {
    const request = this.requests.shift();
    if (!request) throw new Error('no open allocation request');
    request.reject(error);
  }
}

/** Lets every settled promise run its continuations. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(prefetchRatio?: number) {
  const allocator = new FakeAllocator();
  let calls = 0;
  const blocks = new ProducerIdBlocks({
    allocate: () => {
      calls++;
      return allocator.allocate();
    },
    ...(prefetchRatio === undefined ? {} : { prefetchRatio }),
  });
  return { allocator, blocks, calls: () => calls };
}

describe('ProducerIdBlocks', () => {
  it('asks for a block on first use and hands its ids out in order', async () => {
    const { allocator, blocks, calls } = setup();
    const first = blocks.nextProducerId();
    await settle();
    expect(calls()).toBe(1);
    allocator.grant(1000, 5000);
    expect(await first).toBe(5000);
    expect([await blocks.nextProducerId(), await blocks.nextProducerId()]).toEqual([5001, 5002]);
    expect(blocks.remaining).toBe(997);
    expect(calls()).toBe(1);
  });

  it('shares one in-flight allocation among concurrent callers (single flight)', async () => {
    const { allocator, blocks, calls } = setup();
    const waiting = Array.from({ length: 50 }, () => blocks.nextProducerId());
    await settle();
    expect(calls()).toBe(1);
    expect(blocks.allocating).toBe(true);
    allocator.grant(1000);
    const ids = await Promise.all(waiting);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect(calls()).toBe(1);
  });

  it('never hands out an id twice when concurrent callers drain several blocks', async () => {
    const { allocator, blocks, calls } = setup();
    const granted: ProducerIdBlock[] = [];
    const waiting = Array.from({ length: 95 }, () => blocks.nextProducerId());
    let done = false;
    const all = Promise.all(waiting).finally(() => (done = true));
    while (!done) {
      await settle();
      while (allocator.requests.length > 0) granted.push(allocator.grant(10));
    }
    const ids = await all;
    expect(new Set(ids).size).toBe(95);
    for (const id of ids) expect(granted.some((block) => id >= block.firstProducerId && id < block.firstProducerId + block.count)).toBe(true);
    // One request at a time: never more blocks than needed plus one prefetch.
    expect(calls()).toBeGreaterThanOrEqual(10);
    expect(calls()).toBeLessThanOrEqual(11);
  });

  it('prefetches the next block once 80% of the current one is used, so callers do not wait', async () => {
    const { allocator, blocks, calls } = setup();
    const first = blocks.nextProducerId();
    await settle();
    allocator.grant(10, 100);
    const ids = [await first];
    for (let index = 1; index < 7; index++) ids.push(await blocks.nextProducerId());
    await settle();
    expect(calls()).toBe(1);
    ids.push(await blocks.nextProducerId()); // the 8th id: 80% used
    await settle();
    expect(calls()).toBe(2);
    expect(blocks.remaining).toBe(2);
    allocator.grant(10, 200);
    await settle();
    for (let index = 0; index < 3; index++) ids.push(await blocks.nextProducerId());
    expect(ids).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 200]);
    expect(calls()).toBe(2);
    expect(blocks.remaining).toBe(9);
  });

  it('rejects every waiting caller when the allocation fails, and a later call asks again', async () => {
    const { allocator, blocks, calls } = setup();
    const waiting = [blocks.nextProducerId(), blocks.nextProducerId(), blocks.nextProducerId()];
    await settle();
    const failure = new Error('controller unavailable');
    allocator.fail(failure);
    for (const result of await Promise.allSettled(waiting)) expect(result).toEqual({ status: 'rejected', reason: failure });
    expect(blocks.allocating).toBe(false);

    const retry = blocks.nextProducerId();
    await settle();
    expect(calls()).toBe(2);
    allocator.grant(1000, 0);
    expect(await retry).toBe(0);
  });

  it('keeps serving the current block when a prefetch fails, then asks again when the block runs out', async () => {
    const { allocator, blocks, calls } = setup(0.5);
    const first = blocks.nextProducerId();
    await settle();
    allocator.grant(4, 0);
    expect(await first).toBe(0);
    expect(await blocks.nextProducerId()).toBe(1); // half used: prefetch starts
    await settle();
    expect(calls()).toBe(2);
    allocator.fail(new Error('prefetch failed'));
    await settle();
    expect(await blocks.nextProducerId()).toBe(2); // another prefetch attempt starts here
    await settle();
    expect(calls()).toBe(3);
    expect(await blocks.nextProducerId()).toBe(3);
    const fifth = blocks.nextProducerId(); // block used up: waits on the in-flight request
    await settle();
    expect(calls()).toBe(3);
    allocator.grant(4, 4);
    expect(await fifth).toBe(4);
  });

  it('refuses a block that overlaps ids already handed out, and a malformed block', async () => {
    const { allocator, blocks } = setup(1);
    const first = blocks.nextProducerId();
    await settle();
    allocator.grant(2, 10);
    expect([await first, await blocks.nextProducerId()]).toEqual([10, 11]);
    await settle();
    allocator.grant(5, 11); // the prefetch brings a block starting inside the previous one
    await expect(blocks.nextProducerId()).rejects.toThrow(/overlaps ids already handed out/);

    const malformed = blocks.nextProducerId();
    await settle();
    allocator.grant(0, 20);
    await expect(malformed).rejects.toThrow(/malformed producer id block/);

    const recovered = blocks.nextProducerId();
    await settle();
    allocator.grant(3, 1_000_000);
    expect(await recovered).toBe(1_000_000);
  });

  it('rejects a prefetch ratio outside (0, 1]', () => {
    const allocate = () => Promise.resolve({ firstProducerId: 0, count: 1 });
    expect(() => new ProducerIdBlocks({ allocate, prefetchRatio: 0 })).toThrow(RangeError);
    expect(() => new ProducerIdBlocks({ allocate, prefetchRatio: 1.5 })).toThrow(RangeError);
  });
});
