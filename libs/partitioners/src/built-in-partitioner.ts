/**
 * The uniform sticky logic for one topic (KIP-794, Kafka `BuiltInPartitioner`), used for records
 * without a key (or all records when keys are ignored).
 *
 * State: the current sticky partition (−1 = choose one on the next record) and the bytes appended
 * to it since it was chosen. Rules:
 * - Every keyless record goes to the sticky partition.
 * - After an append to the sticky partition, switch when
 *   `(producedBytes ≥ batchSize && lastBatchFull) || producedBytes ≥ 2 × batchSize`: waiting for
 *   the batch to fill avoids stranding small batches, the 2× bound avoids sticking forever.
 * - The next partition is drawn when it is first needed: weighted by queue depth when adaptive
 *   stats exist, else uniformly over partitions with a leader, else over all partitions. It may
 *   be the same partition again (as in Kafka).
 * - Appends reported for any other partition (a stale choice) are ignored.
 *
 * Not exported from the package: {@link DefaultPartitioner} owns one instance per topic.
 */
import { toPositive } from './murmur2.js';
import { buildLoadStats, pickWeighted, type PartitionLoadStats } from './partition-load-stats.js';
import type { PartitionLoad, TopicPartitions } from './partitioner.js';
import type { RandomInt } from './random.js';

export interface BuiltInPartitionerConfig {
  readonly batchSizeBytes: number;
  readonly adaptivePartitioning: boolean;
  readonly availabilityTimeoutMs: number;
  readonly random: RandomInt;
}

export class BuiltInPartitioner {
  private stickyPartition = -1;
  private producedBytes = 0;
  private loadStats: PartitionLoadStats | null = null;

  constructor(private readonly config: BuiltInPartitionerConfig) {}

  /** The sticky partition, choosing a new one if none is current or it no longer exists. */
  currentPartition(topicPartitions: TopicPartitions): number {
    if (this.stickyPartition < 0 || this.stickyPartition >= topicPartitions.numPartitions) {
      this.stickyPartition = this.nextPartition(topicPartitions);
      this.producedBytes = 0;
    }
    return this.stickyPartition;
  }

  /** Accounts one append; returns true when it made the partitioner switch. */
  onAppend(partition: number, appendedBytes: number, lastBatchFull: boolean): boolean {
    if (partition !== this.stickyPartition) return false;
    this.producedBytes += appendedBytes;
    const { batchSizeBytes } = this.config;
    if ((this.producedBytes >= batchSizeBytes && lastBatchFull) || this.producedBytes >= 2 * batchSizeBytes) {
      this.stickyPartition = -1;
      this.producedBytes = 0;
      return true;
    }
    return false;
  }

  updateLoadStats(loads: readonly PartitionLoad[]): void {
    this.loadStats = this.config.adaptivePartitioning ? buildLoadStats(loads, this.config.availabilityTimeoutMs) : null;
  }

  /** Bytes appended to the current sticky partition since it was chosen. */
  get stickyProducedBytes(): number {
    return this.producedBytes;
  }

  private nextPartition(topicPartitions: TopicPartitions): number {
    const random = toPositive(this.config.random());
    const stats = this.loadStats;
    if (stats !== null) {
      const partition = pickWeighted(stats, random);
      if (partition < topicPartitions.numPartitions) return partition;
    }
    const available = topicPartitions.availablePartitions;
    const choice = available.length > 0 ? available[random % available.length] : undefined;
    return choice ?? random % topicPartitions.numPartitions;
  }
}
