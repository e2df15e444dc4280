import { describe, expect, it } from 'vitest';
import { ReusedBuffers } from './reused-buffers.js';

describe('ReusedBuffers', () => {
  it('hands out exactly the size asked for, in memory of at least minBytes', () => {
    const buffers = new ReusedBuffers(2, 1024);
    const small = buffers.take(10);
    expect(small.length).toBe(10);
    expect(small.buffer.byteLength).toBe(1024);
    const large = buffers.take(5000);
    expect(large.length).toBe(5000);
    expect(large.buffer.byteLength).toBe(5000);
  });

  it('reuses the memory of a buffer given back when it is large enough', () => {
    const buffers = new ReusedBuffers(2, 1024);
    const first = buffers.take(4096);
    buffers.give(first.subarray(0, 100));
    expect(buffers.available).toBe(1);
    const second = buffers.take(3000);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(3000);
    expect(buffers.available).toBe(0);
    // Too small for the request: fresh memory, the free one stays.
    buffers.give(second);
    const bigger = buffers.take(8192);
    expect(bigger.buffer).not.toBe(first.buffer);
    expect(buffers.available).toBe(1);
  });

  it('reuses the buffer given back last first (its memory is the likeliest to be in cache)', () => {
    const buffers = new ReusedBuffers(4, 1024);
    const [a, b, c] = [buffers.take(1000), buffers.take(1000), buffers.take(1000)];
    for (const buffer of [a, b, c]) buffers.give(buffer);
    expect(buffers.take(1000).buffer).toBe(c.buffer);
    expect(buffers.take(1000).buffer).toBe(b.buffer);
    buffers.give(c);
    expect(buffers.take(1000).buffer).toBe(c.buffer);
  });

  it('keeps at most `kept` buffers, the largest', () => {
    const buffers = new ReusedBuffers(2, 16);
    const sizes = [100, 400, 200, 300];
    const taken = sizes.map((size) => buffers.take(size));
    for (const buffer of taken) buffers.give(buffer);
    expect(buffers.available).toBe(2);
    expect(buffers.take(350).buffer).toBe(taken[1]?.buffer);
    expect(buffers.take(250).buffer).toBe(taken[3]?.buffer);
    expect(buffers.available).toBe(0);
  });

  it('takes fresh memory from the allocator it was given, and reuses it like any other', () => {
    const made: ArrayBuffer[] = [];
    const buffers = new ReusedBuffers(1, 4096, (size) => {
      const memory = new ArrayBuffer(size + 100);
      made.push(memory);
      return memory;
    });
    const first = buffers.take(10);
    expect(made).toHaveLength(1);
    expect(first.buffer).toBe(made[0]);
    expect(first.byteOffset).toBe(0);
    expect(made[0]?.byteLength).toBe(4196);
    buffers.give(first);
    expect(buffers.take(4000).buffer).toBe(made[0]);
    expect(made).toHaveLength(1);
  });
});
