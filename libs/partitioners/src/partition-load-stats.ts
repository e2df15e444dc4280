/**
 * Adaptive partitioning (KIP-794): turns per-partition queue depths into a cumulative frequency
 * table so that the next sticky partition is drawn with probability proportional to how *short*
 * its queue is (Kafka `BuiltInPartitioner.updatePartitionLoadStats` / `nextPartition`).
 *
 * Weights: `w_i = (max(q) + 1) − q_i` over the partitions that may be chosen; the table holds the
 * running sums. Example (Kafka's): queues `0 3 1` → weights `4 1 3` → table `4 5 8`; a draw
 * `r ∈ [0, 8)` picks the first entry strictly greater than `r`: 0–3 → p0, 4 → p1, 5–7 → p2.
 *
 * Invariants of a {@link PartitionLoadStats}: `partitionIds.length === cumulative.length ≥ 1`,
 * `cumulative` strictly increasing and positive. `null` means "no useful stats: choose
 * uniformly" — fewer than two partitions reported, none choosable, or all queues equal with
 * nothing excluded.
 */
import type { PartitionLoad } from './partitioner.js';

export interface PartitionLoadStats {
  /** Running sums of the weights, one per choosable partition. */
  readonly cumulative: readonly number[];
  /** The partition each entry of `cumulative` stands for. */
  readonly partitionIds: readonly number[];
}

/**
 * Builds the table from the accumulator's report. A partition is choosable when it has a leader
 * and, if `availabilityTimeoutMs > 0`, its leader has not been stalled longer than that.
 */
export function buildLoadStats(loads: readonly PartitionLoad[], availabilityTimeoutMs: number): PartitionLoadStats | null {
  if (loads.length < 2) return null;
  const partitionIds: number[] = [];
  const queueSizes: number[] = [];
  for (const load of loads) {
    if (!load.hasLeader) continue;
    if (availabilityTimeoutMs > 0 && (load.leaderStalledMs ?? 0) > availabilityTimeoutMs) continue;
    partitionIds.push(load.partition);
    queueSizes.push(Math.max(0, load.queuedBatches));
  }
  if (partitionIds.length === 0) return null;
  const maxSize = Math.max(...queueSizes);
  const allEqual = queueSizes.every((size) => size === maxSize);
  // Equal queues and nothing excluded: the weighted draw would be uniform anyway.
  if (allEqual && partitionIds.length === loads.length) return null;
  let runningSum = 0;
  const cumulative = queueSizes.map((size) => (runningSum += maxSize + 1 - size));
  return { cumulative, partitionIds };
}

/**
 * The partition for a draw: `nonNegativeRandom % total`, then the first table entry strictly
 * greater than it (binary search, as Kafka does with `Arrays.binarySearch`).
 */
export function pickWeighted(stats: PartitionLoadStats, nonNegativeRandom: number): number {
  const { cumulative, partitionIds } = stats;
  const target = nonNegativeRandom % (cumulative.at(-1) ?? 1);
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cumulative[mid] ?? 0) > target) high = mid;
    else low = mid + 1;
  }
  return partitionIds[low] ?? 0;
}
