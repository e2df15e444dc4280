// Statistical check of KIP-794 stickiness: over many switches, keyless records spread uniformly.
// Deterministic: every random draw comes from a seeded generator, so the figures never change.
import { describe, expect, it } from 'vitest';
import { FakeAccumulator, topicPartitions } from './__tests__/fake-accumulator.js';
import { DefaultPartitioner } from './default-partitioner.js';
import { seededRandom } from './random.js';

const RECORDS = 1_000_000;
const PARTITIONS = 12;
// The spread depends on how many times the partitioner switches, not on the record count: with
// batch.size = 16384 and 100-byte records 1M records make only ~3,000 switches, too few for any
// implementation to land within 5%. A 256-byte batch gives ~70,000 switches (σ ≈ 1.3% per partition).
const BATCH_SIZE_BYTES = 256;
const TOLERANCE = 0.05;

/**
 * Sends 1M keyless records of 50–150 bytes; the sender drains one batch per partition every 64
 * records (a slow, linger-bound sender), so queues are often non-empty. Returns records per partition.
 */
function simulate(adaptivePartitioning: boolean, seed: number): number[] {
  const partitioner = new DefaultPartitioner({ random: seededRandom(seed), batchSizeBytes: BATCH_SIZE_BYTES, adaptivePartitioning });
  const accumulator = new FakeAccumulator(partitioner, 'clicks', topicPartitions(PARTITIONS), BATCH_SIZE_BYTES);
  const sizes = seededRandom(seed ^ 0x1234);
  for (let i = 0; i < RECORDS; i++) {
    accumulator.send(null, 50 + ((sizes() >>> 0) % 101));
    if (i % 64 === 63) accumulator.drain(1);
  }
  return accumulator.recordCounts;
}

function maxRelativeDeviation(counts: readonly number[]): number {
  const expected = RECORDS / PARTITIONS;
  return Math.max(...counts.map((count) => Math.abs(count - expected) / expected));
}

describe('uniform sticky distribution', () => {
  it('spreads 1M keyless records within 5% of uniform across 12 partitions', () => {
    const counts = simulate(false, 42);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(RECORDS);
    expect(maxRelativeDeviation(counts)).toBeLessThan(TOLERANCE);
  });

  it('spreads 1M keyless records within 5% of uniform across 12 partitions with adaptive partitioning', () => {
    const counts = simulate(true, 43);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(RECORDS);
    expect(maxRelativeDeviation(counts)).toBeLessThan(TOLERANCE);
  });
});
