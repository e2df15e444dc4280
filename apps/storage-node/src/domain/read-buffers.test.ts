import { describe, expect, it } from 'vitest';
import { ReadBuffers, readMemoryPool } from './read-buffers.js';

const partition = (index: number, partitionMaxBytes = 1 << 20) => ({ partition: index, fetchOffset: 0, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes });

describe('ReadBuffers', () => {
  it('gives each partition one page-aligned buffer, the same one read after read', () => {
    const buffers = new ReadBuffers(readMemoryPool(), 4 << 20);
    const first = buffers.for('t', partition(0)) as Buffer;
    expect(first.byteOffset % 4096).toBe(0);
    expect(first.length).toBeGreaterThanOrEqual(1 << 20);
    expect(buffers.for('t', partition(0))).toBe(first);
    expect(buffers.for('t', partition(1))?.buffer).not.toBe(first.buffer);
    expect(buffers.for('u', partition(0))?.buffer).not.toBe(first.buffer);
  });

  it('sizes buffers by the smaller of the request and partition limits, and hands none out for reads past the largest buffer', () => {
    const pool = readMemoryPool();
    expect(new ReadBuffers(pool, 4096).for('t', partition(0))?.length).toBeLessThan(1 << 20);
    expect(new ReadBuffers(pool, 64 << 20).for('t', partition(0, 32 << 20))).toBeUndefined();
  });

  it('gives its memory back to the pool on release, for the next call to reuse', () => {
    const pool = readMemoryPool();
    const call = new ReadBuffers(pool, 1 << 20);
    const memory = call.for('t', partition(0))?.buffer;
    call.release();
    expect(pool.available).toBe(1);
    const next = new ReadBuffers(pool, 1 << 20);
    expect(next.for('other', partition(3))?.buffer).toBe(memory);
    expect(pool.available).toBe(0);
  });
});
