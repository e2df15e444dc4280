import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topicPartitions } from './__tests__/fake-accumulator.js';
import { RoundRobinPartitioner } from './round-robin-partitioner.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('RoundRobinPartitioner', () => {
  it('cycles through the partitions starting at partition 0', () => {
    const partitioner = new RoundRobinPartitioner();
    const picks = Array.from({ length: 8 }, () => partitioner.partition('t', null, 0, topicPartitions(3)));
    expect(picks).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
  });

  it('ignores keys', () => {
    const partitioner = new RoundRobinPartitioner();
    const picks = Array.from({ length: 4 }, () => partitioner.partition('t', utf8('same-key'), 0, topicPartitions(4)));
    expect(picks).toEqual([0, 1, 2, 3]);
  });

  it('cycles only through partitions with a leader', () => {
    const partitioner = new RoundRobinPartitioner();
    const picks = Array.from({ length: 6 }, () => partitioner.partition('t', null, 0, topicPartitions(5, [1, 3])));
    expect(picks).toEqual([0, 2, 4, 0, 2, 4]);
  });

  it('falls back to all partitions when none has a leader', () => {
    const partitioner = new RoundRobinPartitioner();
    const picks = Array.from({ length: 4 }, () => partitioner.partition('t', null, 0, topicPartitions(3, [0, 1, 2])));
    expect(picks).toEqual([0, 1, 2, 0]);
  });

  it('keeps one counter per topic', () => {
    const partitioner = new RoundRobinPartitioner();
    expect(partitioner.partition('a', null, 0, topicPartitions(3))).toBe(0);
    expect(partitioner.partition('a', null, 0, topicPartitions(3))).toBe(1);
    expect(partitioner.partition('b', null, 0, topicPartitions(3))).toBe(0);
    expect(partitioner.partition('a', null, 0, topicPartitions(3))).toBe(2);
  });

  it('restarts from partition 0 after close', () => {
    const partitioner = new RoundRobinPartitioner();
    partitioner.partition('a', null, 0, topicPartitions(3));
    partitioner.close();
    expect(partitioner.partition('a', null, 0, topicPartitions(3))).toBe(0);
  });

  it('gives every available partition the same count, ±1, over any number of records', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 500 }), (numPartitions, records) => {
        const partitioner = new RoundRobinPartitioner();
        const counts = new Array<number>(numPartitions).fill(0);
        for (let i = 0; i < records; i++) {
          const partition = partitioner.partition('t', null, 0, topicPartitions(numPartitions));
          counts[partition] = (counts[partition] ?? 0) + 1;
        }
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
