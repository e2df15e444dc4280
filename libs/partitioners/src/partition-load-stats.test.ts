import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLoadStats, pickWeighted } from './partition-load-stats.js';
import type { PartitionLoad } from './partitioner.js';

const loads = (queues: number[], leaderless: number[] = []): PartitionLoad[] =>
  queues.map((queuedBatches, partition) => ({ partition, queuedBatches, hasLeader: !leaderless.includes(partition) }));

describe('buildLoadStats', () => {
  it("builds Kafka's example table: queues 0 3 1 → running sums 4 5 8", () => {
    expect(buildLoadStats(loads([0, 3, 1]), 0)).toEqual({ cumulative: [4, 5, 8], partitionIds: [0, 1, 2] });
  });

  it('returns no stats when fewer than two partitions are reported', () => {
    expect(buildLoadStats(loads([5]), 0)).toBeNull();
    expect(buildLoadStats([], 0)).toBeNull();
  });

  it('returns no stats when all queues are equal and nothing is excluded', () => {
    expect(buildLoadStats(loads([2, 2, 2]), 0)).toBeNull();
  });

  it('keeps a table for equal queues when a partition without a leader was excluded', () => {
    expect(buildLoadStats(loads([2, 2, 2], [1]), 0)).toEqual({ cumulative: [1, 2], partitionIds: [0, 2] });
  });

  it('returns no stats when no partition can be chosen', () => {
    expect(buildLoadStats(loads([0, 1], [0, 1]), 0)).toBeNull();
  });

  it('excludes a partition whose leader stalled longer than the availability timeout', () => {
    const stalled: PartitionLoad[] = [
      { partition: 0, queuedBatches: 0, hasLeader: true, leaderStalledMs: 10 },
      { partition: 1, queuedBatches: 0, hasLeader: true, leaderStalledMs: 2_000 },
    ];
    expect(buildLoadStats(stalled, 1_000)).toEqual({ cumulative: [1], partitionIds: [0] });
    expect(buildLoadStats(stalled, 0)).toBeNull();
  });
});

describe('pickWeighted', () => {
  it('maps draws 0–3 to p0, 4 to p1 and 5–7 to p2 for the table 4 5 8', () => {
    const stats = { cumulative: [4, 5, 8], partitionIds: [0, 1, 2] };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 12].map((r) => pickWeighted(stats, r))).toEqual([0, 0, 0, 0, 1, 2, 2, 2, 0, 1]);
  });

  it('picks each partition exactly as often as its weight over one full cycle of draws', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 12 }), (queues) => {
        const stats = buildLoadStats(loads(queues), 0);
        if (stats === null) return;
        const total = stats.cumulative.at(-1) ?? 0;
        const counts = new Map<number, number>();
        for (let r = 0; r < total; r++) {
          const partition = pickWeighted(stats, r);
          counts.set(partition, (counts.get(partition) ?? 0) + 1);
        }
        const max = Math.max(...queues);
        queues.forEach((queue, partition) => expect(counts.get(partition) ?? 0).toBe(max + 1 - queue));
      }),
    );
  });
});
