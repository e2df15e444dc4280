/**
 * DefaultPartitioner: the producer's built-in partitioning (Kafka ≥ 3.3 with
 * `partitioner.class` unset). Precedence, with {@link choosePartition} in front of it:
 * explicit partition > key hash > uniform sticky.
 *
 * - Keyed records: `toPositive(murmur2(key)) % numPartitions` (unless `ignoreKeys`). Stateless,
 *   and bytes of keyed records never count towards stickiness.
 * - Keyless records: one {@link BuiltInPartitioner} per topic (KIP-794 uniform sticky, optionally
 *   adaptive to queue depths and availability).
 *
 * Contract with the accumulator (see `partitioner.ts`): call `onAppend` after every append of a
 * record this partitioner placed, passing the same key; call `updateLoadStats` with one entry per
 * partition whenever readiness is computed, if adaptive partitioning is wanted.
 *
 * Configuration mirrors Kafka's keys: `batchSizeBytes` = `batch.size` (16384),
 * `adaptivePartitioning` = `partitioner.adaptive.partitioning.enable` (true),
 * `availabilityTimeoutMs` = `partitioner.availability.timeout.ms` (0 = off),
 * `ignoreKeys` = `partitioner.ignore.keys` (false). `random` is required: randomness is injected.
 */
import { BuiltInPartitioner, type BuiltInPartitionerConfig } from './built-in-partitioner.js';
import { partitionForKey } from './murmur2.js';
import type { PartitionLoad, Partitioner, RecordAppended, TopicPartitions } from './partitioner.js';
import type { RandomInt } from './random.js';

export interface DefaultPartitionerOptions {
  /** Source of randomness for choosing sticky partitions; give every producer its own. */
  readonly random: RandomInt;
  /** `batch.size`: bytes to stick to one partition before switching (default 16384). */
  readonly batchSizeBytes?: number;
  /** `partitioner.adaptive.partitioning.enable`: weight the next partition by queue depth (default true). */
  readonly adaptivePartitioning?: boolean;
  /** `partitioner.availability.timeout.ms`: exclude partitions whose leader stalled longer (default 0 = off). */
  readonly availabilityTimeoutMs?: number;
  /** `partitioner.ignore.keys`: treat keyed records like keyless ones (default false). */
  readonly ignoreKeys?: boolean;
}

export const DEFAULT_BATCH_SIZE_BYTES = 16_384;

export class DefaultPartitioner implements Partitioner {
  private readonly config: BuiltInPartitionerConfig;
  private readonly ignoreKeys: boolean;
  private readonly topics = new Map<string, BuiltInPartitioner>();

  constructor(options: DefaultPartitionerOptions) {
    const batchSizeBytes = options.batchSizeBytes ?? DEFAULT_BATCH_SIZE_BYTES;
    const availabilityTimeoutMs = options.availabilityTimeoutMs ?? 0;
    if (!Number.isInteger(batchSizeBytes) || batchSizeBytes < 1) {
      throw new RangeError(`batchSizeBytes must be a positive integer, got ${batchSizeBytes}`);
    }
    if (!(availabilityTimeoutMs >= 0)) {
      throw new RangeError(`availabilityTimeoutMs must be ≥ 0, got ${availabilityTimeoutMs}`);
    }
    this.config = {
      batchSizeBytes,
      adaptivePartitioning: options.adaptivePartitioning ?? true,
      availabilityTimeoutMs,
      random: options.random,
    };
    this.ignoreKeys = options.ignoreKeys ?? false;
  }

  partition(topic: string, key: Uint8Array | null, _valueSizeBytes: number, topicPartitions: TopicPartitions): number {
    if (key !== null && !this.ignoreKeys) return partitionForKey(key, topicPartitions.numPartitions);
    return this.topicState(topic).currentPartition(topicPartitions);
  }

  onAppend(appended: RecordAppended): void {
    if (appended.key !== null && !this.ignoreKeys) return;
    this.topics.get(appended.topic)?.onAppend(appended.partition, appended.appendedBytes, appended.lastBatchFull);
  }

  updateLoadStats(topic: string, loads: readonly PartitionLoad[]): void {
    if (!this.config.adaptivePartitioning) return;
    this.topicState(topic).updateLoadStats(loads);
  }

  close(): void {
    this.topics.clear();
  }

  private topicState(topic: string): BuiltInPartitioner {
    let state = this.topics.get(topic);
    if (state === undefined) {
      state = new BuiltInPartitioner(this.config);
      this.topics.set(topic, state);
    }
    return state;
  }
}
