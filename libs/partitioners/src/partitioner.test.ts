import { describe, expect, it } from 'vitest';
import { topicPartitions } from './__tests__/fake-accumulator.js';
import { DefaultPartitioner } from './default-partitioner.js';
import { choosePartition, type Partitioner } from './partitioner.js';
import { seededRandom } from './random.js';

const fixed = (partition: number): Partitioner => ({ partition: () => partition });
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('choosePartition', () => {
  it('returns an explicit partition without consulting the partitioner', () => {
    let calls = 0;
    const partitioner: Partitioner = {
      partition: () => {
        calls++;
        return 0;
      },
    };
    expect(choosePartition(partitioner, { topic: 't', key: utf8('k'), valueSizeBytes: 1, partition: 4 }, topicPartitions(5))).toBe(4);
    expect(calls).toBe(0);
  });

  it('accepts an explicit partition whose leader is unavailable', () => {
    expect(choosePartition(fixed(0), { topic: 't', key: null, valueSizeBytes: 1, partition: 2 }, topicPartitions(5, [2]))).toBe(2);
  });

  it('applies explicit partition > key hash > sticky with the default partitioner', () => {
    const partitioner = new DefaultPartitioner({ random: () => 7 });
    const partitions = topicPartitions(10);
    expect(choosePartition(partitioner, { topic: 't', key: utf8('hello'), valueSizeBytes: 1, partition: 1 }, partitions)).toBe(1);
    expect(choosePartition(partitioner, { topic: 't', key: utf8('hello'), valueSizeBytes: 1 }, partitions)).toBe(9);
    expect(choosePartition(partitioner, { topic: 't', key: null, valueSizeBytes: 1 }, partitions)).toBe(7);
  });

  it('treats a null explicit partition as absent', () => {
    expect(choosePartition(fixed(3), { topic: 't', key: null, valueSizeBytes: 1, partition: null }, topicPartitions(5))).toBe(3);
  });

  it.each([-1, 5, 1.5, Number.NaN])('rejects the explicit partition %d outside [0, 5)', (partition) => {
    expect(() => choosePartition(fixed(0), { topic: 't', key: null, valueSizeBytes: 1, partition }, topicPartitions(5))).toThrow(
      /invalid partition given with record/,
    );
  });

  it.each([-1, 5, 2.5])('rejects a custom partitioner returning %d for 5 partitions', (partition) => {
    expect(() => choosePartition(fixed(partition), { topic: 't', key: null, valueSizeBytes: 1 }, topicPartitions(5))).toThrow(
      /partitioner returned invalid partition/,
    );
  });

  it('rejects a topic without partitions', () => {
    expect(() => choosePartition(fixed(0), { topic: 't', key: null, valueSizeBytes: 1 }, { numPartitions: 0, availablePartitions: [] })).toThrow(
      RangeError,
    );
  });

  it('passes topic, key, value size and metadata to a custom partitioner', () => {
    const seen: unknown[] = [];
    const partitioner: Partitioner = {
      partition: (topic, key, valueSizeBytes, partitions) => {
        seen.push([topic, key, valueSizeBytes, partitions.numPartitions]);
        return valueSizeBytes > 100 ? 1 : 0;
      },
    };
    const key = utf8('k');
    expect(choosePartition(partitioner, { topic: 'big', key, valueSizeBytes: 500 }, topicPartitions(2))).toBe(1);
    expect(seen).toEqual([['big', key, 500, 2]]);
  });

  it('works with a seeded default partitioner across many topics', () => {
    const partitioner = new DefaultPartitioner({ random: seededRandom(1) });
    for (let i = 0; i < 100; i++) {
      const partition = choosePartition(partitioner, { topic: `t${i}`, key: null, valueSizeBytes: 10 }, topicPartitions(3));
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(3);
    }
  });
});
