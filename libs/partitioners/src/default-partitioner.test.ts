import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeAccumulator, scriptedRandom, topicPartitions } from './__tests__/fake-accumulator.js';
import { DefaultPartitioner } from './default-partitioner.js';
import { partitionForKey } from './murmur2.js';
import { seededRandom } from './random.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const BATCH = 1000;

function accumulator(options: Partial<ConstructorParameters<typeof DefaultPartitioner>[0]> = {}, numPartitions = 6, leaderless: number[] = []) {
  const partitioner = new DefaultPartitioner({ random: seededRandom(7), batchSizeBytes: BATCH, ...options });
  return { partitioner, acc: new FakeAccumulator(partitioner, 'events', topicPartitions(numPartitions, leaderless), BATCH) };
}

describe('DefaultPartitioner: keyed records', () => {
  it('sends a keyed record to toPositive(murmur2(key)) % numPartitions', () => {
    const { acc } = accumulator({}, 10);
    expect(acc.send(utf8('kafka'), 100)).toBe(0);
    expect(acc.send(utf8('hello'), 100)).toBe(9);
    expect(acc.send(utf8('user-1'), 100)).toBe(8);
  });

  it('hashes over the total partition count even when the key partition has no leader', () => {
    const { acc } = accumulator({}, 10, [9]);
    expect(acc.send(utf8('hello'), 100)).toBe(9);
  });

  it('hashes an empty key like any other key instead of treating it as null', () => {
    const { acc } = accumulator({}, 10);
    expect(acc.send(new Uint8Array(0), 100)).toBe(1);
  });

  it('lets an explicit partition win over the key hash', () => {
    const { acc } = accumulator({}, 10);
    expect(acc.send(utf8('hello'), 100, 3)).toBe(3);
  });

  it('does not count keyed bytes towards the sticky partition', () => {
    const { acc } = accumulator({ random: scriptedRandom([2, 4]), adaptivePartitioning: false });
    expect(acc.send(null, 10)).toBe(2);
    // Keys that hash to the sticky partition: their appends are reported but must not count.
    const keysOnTwo: Uint8Array[] = [];
    for (let i = 0; keysOnTwo.length < 30; i++) {
      const key = utf8(`key-${i}`);
      if (partitionForKey(key, 6) === 2) keysOnTwo.push(key);
    }
    for (const key of keysOnTwo) expect(acc.send(key, 100)).toBe(2);
    expect(acc.send(null, 10)).toBe(2);
  });

  it('routes keyed records through the sticky logic when ignoreKeys is set', () => {
    const { acc } = accumulator({ ignoreKeys: true }, 12);
    const first = acc.send(utf8('a'), 10);
    for (let i = 0; i < 20; i++) expect(acc.send(utf8(`key-${i}`), 10)).toBe(first);
  });
});

describe('DefaultPartitioner: uniform sticky for keyless records (KIP-794)', () => {
  it('keeps every keyless record on one partition until batch.size bytes went to it with the batch full', () => {
    const { acc } = accumulator({ random: scriptedRandom([2, 4]), adaptivePartitioning: false });
    for (let i = 0; i < 10; i++) expect(acc.send(null, 100)).toBe(2); // 1000 bytes, batch exactly full
    expect(acc.send(null, 100)).toBe(4);
  });

  it('does not switch at batch.size while the last batch still has room', () => {
    const { acc } = accumulator({ random: scriptedRandom([2, 4]), adaptivePartitioning: false });
    // 3 × 300 = 900 fills the first batch; the 4th record opens a new, non-full batch at 1200 bytes produced.
    for (let i = 0; i < 4; i++) expect(acc.send(null, 300)).toBe(2);
    expect(acc.send(null, 300)).toBe(2);
  });

  it('switches once 2 × batch.size bytes were produced even if the last batch is not full', () => {
    const { acc } = accumulator({ random: scriptedRandom([2, 4]), adaptivePartitioning: false });
    // 700-byte records never fill a 1000-byte batch: 700, 1400, 2100 ≥ 2000 → switch after the third.
    expect([acc.send(null, 700), acc.send(null, 700), acc.send(null, 700), acc.send(null, 700)]).toEqual([2, 2, 2, 4]);
  });

  it('may pick the same partition again when the draw says so', () => {
    const { acc } = accumulator({ random: scriptedRandom([3, 3, 5]), adaptivePartitioning: false });
    for (let i = 0; i < 20; i++) expect(acc.send(null, 100)).toBe(3);
    expect(acc.send(null, 100)).toBe(5);
  });

  it('ignores appends reported for a partition that is no longer the sticky one', () => {
    const { partitioner } = accumulator({ random: scriptedRandom([1, 2]), adaptivePartitioning: false });
    const partitions = topicPartitions(6);
    expect(partitioner.partition('events', null, 0, partitions)).toBe(1);
    partitioner.onAppend({ topic: 'events', key: null, partition: 5, appendedBytes: 10 * BATCH, lastBatchFull: true });
    expect(partitioner.partition('events', null, 0, partitions)).toBe(1);
  });

  it('keeps stickiness per topic', () => {
    const partitioner = new DefaultPartitioner({ random: scriptedRandom([1, 4]), batchSizeBytes: BATCH, adaptivePartitioning: false });
    const partitions = topicPartitions(6);
    expect(partitioner.partition('a', null, 0, partitions)).toBe(1);
    expect(partitioner.partition('b', null, 0, partitions)).toBe(4);
    expect(partitioner.partition('a', null, 0, partitions)).toBe(1);
  });

  it('chooses only partitions that have a leader', () => {
    const { acc } = accumulator({ random: seededRandom(11), adaptivePartitioning: false }, 6, [0, 2, 4]);
    for (let i = 0; i < 5_000; i++) expect([1, 3, 5]).toContain(acc.send(null, 100));
  });

  it('falls back to any partition when no partition has a leader', () => {
    const { acc } = accumulator({ random: scriptedRandom([8]), adaptivePartitioning: false }, 6, [0, 1, 2, 3, 4, 5]);
    expect(acc.send(null, 100)).toBe(2);
  });

  it('chooses a new sticky partition when the current one no longer exists', () => {
    const { partitioner } = accumulator({ random: scriptedRandom([5, 1]), adaptivePartitioning: false });
    expect(partitioner.partition('events', null, 0, topicPartitions(6))).toBe(5);
    expect(partitioner.partition('events', null, 0, topicPartitions(3))).toBe(1);
  });

  it('forgets all topic state on close', () => {
    const { partitioner } = accumulator({ random: scriptedRandom([5, 1]), adaptivePartitioning: false });
    expect(partitioner.partition('events', null, 0, topicPartitions(6))).toBe(5);
    partitioner.close();
    expect(partitioner.partition('events', null, 0, topicPartitions(6))).toBe(1);
  });

  it('rejects a non-positive batch size and a negative availability timeout', () => {
    expect(() => new DefaultPartitioner({ random: seededRandom(1), batchSizeBytes: 0 })).toThrow(RangeError);
    expect(() => new DefaultPartitioner({ random: seededRandom(1), availabilityTimeoutMs: -1 })).toThrow(RangeError);
  });
});

describe('DefaultPartitioner: adaptive partitioning', () => {
  /** Draws 0..7 in turn; every record of 1000 bytes fills its batch and forces a switch. */
  function weightedChoices(queues: number[], stalled: (p: number) => number = () => 0, availabilityTimeoutMs = 0): number[] {
    const draws = [0, 1, 2, 3, 4, 5, 6, 7];
    const partitioner = new DefaultPartitioner({ random: scriptedRandom(draws), batchSizeBytes: BATCH, availabilityTimeoutMs });
    partitioner.updateLoadStats(
      'events',
      queues.map((queuedBatches, partition) => ({ partition, queuedBatches, hasLeader: true, leaderStalledMs: stalled(partition) })),
    );
    const choices: number[] = [];
    for (let i = 0; i < draws.length; i++) {
      const partition = partitioner.partition('events', null, 0, topicPartitions(queues.length));
      choices.push(partition);
      partitioner.onAppend({ topic: 'events', key: null, partition, appendedBytes: BATCH, lastBatchFull: true });
    }
    return choices;
  }

  it("weights the next partition by queue depth as in Kafka's example (queues 0 3 1 → sums 4 5 8)", () => {
    expect(weightedChoices([0, 3, 1])).toEqual([0, 0, 0, 0, 1, 2, 2, 2]);
  });

  it('chooses uniformly among partitions with a leader when all queues are equal', () => {
    expect(weightedChoices([2, 2, 2])).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
  });

  it('excludes partitions whose leader stalled longer than the availability timeout', () => {
    expect(weightedChoices([0, 0, 0], (p) => (p === 1 ? 5_000 : 0), 1_000)).toEqual([0, 2, 0, 2, 0, 2, 0, 2]);
  });

  it('keeps partitions with a stalled leader when the availability timeout is off', () => {
    expect(weightedChoices([0, 0, 0], (p) => (p === 1 ? 5_000 : 0), 0)).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
  });

  it('ignores load stats when adaptive partitioning is disabled', () => {
    const partitioner = new DefaultPartitioner({ random: scriptedRandom([4]), batchSizeBytes: BATCH, adaptivePartitioning: false });
    partitioner.updateLoadStats('events', [
      { partition: 0, queuedBatches: 0, hasLeader: true },
      { partition: 1, queuedBatches: 9, hasLeader: true },
    ]);
    expect(partitioner.partition('events', null, 0, topicPartitions(2))).toBe(0);
  });

  it('steers keyless traffic away from a partition with a deep queue', () => {
    const { acc } = accumulator({ random: seededRandom(3) }, 4);
    const slowQueue = acc.queues[0] ?? [];
    for (let round = 0; round < 2_000; round++) {
      for (let i = 0; i < 10; i++) acc.send(null, 100);
      // Partition 0's leader is slow: it keeps 5 more batches queued than the others.
      acc.drain();
      slowQueue.push(BATCH, BATCH, BATCH, BATCH, BATCH);
      acc.reportLoad();
      slowQueue.length = 0;
    }
    const [slow = 0, fast = 0] = acc.recordCounts;
    // Weights 1 : 6 : 6 : 6 → partition 0 gets about 1/19 of the traffic.
    expect(slow / 20_000).toBeLessThan(0.08);
    expect(fast / 20_000).toBeGreaterThan(0.28);
  });
});

describe('DefaultPartitioner: properties', () => {
  it('always returns a partition of the topic, preferring ones with a leader for keyless records', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 10 }),
        fc.array(fc.record({ key: fc.option(fc.uint8Array({ maxLength: 8 })), size: fc.integer({ min: 1, max: 3 * BATCH }) }), { maxLength: 200 }),
        fc.integer(),
        (numPartitions, leaderless, records, seed) => {
          const { acc } = accumulator({ random: seededRandom(seed) }, numPartitions, leaderless);
          const metadata = topicPartitions(numPartitions, leaderless);
          for (const [index, record] of records.entries()) {
            const partition = acc.send(record.key, record.size);
            expect(partition).toBeGreaterThanOrEqual(0);
            expect(partition).toBeLessThan(numPartitions);
            if (record.key !== null) expect(partition).toBe(partitionForKey(record.key, numPartitions));
            else if (metadata.availablePartitions.length > 0) expect(metadata.availablePartitions).toContain(partition);
            if (index % 17 === 0) acc.drain(1);
          }
        },
      ),
    );
  });
});
