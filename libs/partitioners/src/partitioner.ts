/**
 * The contract between the producer, its record accumulator and a partitioner.
 *
 * Per record the producer calls {@link choosePartition}: an explicit `record.partition` wins and
 * no partitioner runs (Kafka `KafkaProducer.partition`); otherwise the configured
 * {@link Partitioner} decides. The result is validated: a partitioner returning a negative, a
 * non-integer or an out-of-range partition is a bug and throws `RangeError`.
 *
 * Partitioners may keep state (sticky partition, round-robin counters) and so the accumulator
 * feeds back what happened after each append through the optional hooks:
 *
 * 1. `partition(topic, key, valueSizeBytes, topicPartitions)` — once per record, before append.
 * 2. `onAppend({ topic, key, partition, appendedBytes, lastBatchFull })` — once per record after
 *    it was appended to `partition`'s queue (whether or not a new batch was created). Records
 *    with an explicit partition are not reported. `appendedBytes` is the record's encoded size
 *    in the batch; `lastBatchFull` is true when, after the append, the partition's newest batch is
 *    full — closed for appends or at its size limit (Kafka `allBatchesFull`). A record that did
 *    not fit and opened a new batch therefore usually reports `false`.
 * 3. `updateLoadStats(topic, loads)` — whenever the sender computes readiness (Kafka
 *    `RecordAccumulator.ready`): one entry per partition of the topic with its queued batches.
 *
 * Concurrency: JavaScript runs one call at a time; a partitioner needs no locks. If the
 * producer awaits between `partition` and the append, `onAppend` for a partition that is no
 * longer the sticky one is simply ignored, as in Kafka's `updatePartitionInfo`.
 */

/** What a partitioner knows about one topic's partitions (from producer metadata). */
export interface TopicPartitions {
  /** Total partition count of the topic, with or without a leader; ≥ 1. */
  readonly numPartitions: number;
  /** Partitions that currently have a leader, ascending (Kafka `availablePartitionsForTopic`). */
  readonly availablePartitions: readonly number[];
}

/** Reported by the accumulator after it appended one record (see the module contract). */
export interface RecordAppended {
  readonly topic: string;
  /** The serialized key the record was partitioned with (`null` when it had none). */
  readonly key: Uint8Array | null;
  readonly partition: number;
  /** The record's encoded size in its batch. */
  readonly appendedBytes: number;
  /** True when the partition's newest batch is full (closed or at its size limit) after the append. */
  readonly lastBatchFull: boolean;
}

/** The accumulator's view of one partition's queue, for adaptive partitioning. */
export interface PartitionLoad {
  readonly partition: number;
  /** Batches queued for the partition (0 when its queue is empty). */
  readonly queuedBatches: number;
  /** Whether the partition has a leader now; partitions without one are never chosen. */
  readonly hasLeader: boolean;
  /**
   * How long the partition's leader has been ready to take data without any being drained to
   * it (Kafka `readyTimeMs − drainTimeMs`); compared with `availabilityTimeoutMs`. 0 if unknown.
   */
  readonly leaderStalledMs?: number;
}

/** A partitioner the producer accepts (Kafka `Partitioner`; KafkaJS `createPartitioner`). */
export interface Partitioner {
  /**
   * The partition for one record without an explicit partition. `key` is the serialized key
   * (null when absent); `valueSizeBytes` the serialized value size (0 for a null value).
   * Must return an integer in `[0, topicPartitions.numPartitions)`.
   */
  partition(topic: string, key: Uint8Array | null, valueSizeBytes: number, topicPartitions: TopicPartitions): number;
  /** Bytes-accounting hook the accumulator calls after every append (module contract, step 2). */
  onAppend?(appended: RecordAppended): void;
  /** Queue-depth feedback from the sender (module contract, step 3). */
  updateLoadStats?(topic: string, loads: readonly PartitionLoad[]): void;
  /** Called once when the producer closes. */
  close?(): void;
}

/** A record as the producer sees it when choosing its partition. */
export interface PartitionRequest {
  readonly topic: string;
  readonly key: Uint8Array | null;
  readonly valueSizeBytes: number;
  /** The partition the application asked for, if any; it wins over every partitioner. */
  readonly partition?: number | null;
}

/**
 * The producer's per-record entry point: explicit partition > `partitioner` (for the default
 * partitioner: key hash > uniform sticky). Throws `RangeError` for an explicit partition outside
 * the topic or a partitioner result that is not a valid partition.
 */
export function choosePartition(partitioner: Partitioner, request: PartitionRequest, topicPartitions: TopicPartitions): number {
  const { numPartitions } = topicPartitions;
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`topic ${request.topic} has no partitions (numPartitions = ${numPartitions})`);
  }
  if (request.partition !== undefined && request.partition !== null) {
    if (!isPartitionOf(request.partition, numPartitions)) {
      throw new RangeError(`invalid partition given with record: ${request.partition} is not in the range [0...${numPartitions})`);
    }
    return request.partition;
  }
  const chosen = partitioner.partition(request.topic, request.key, request.valueSizeBytes, topicPartitions);
  if (!isPartitionOf(chosen, numPartitions)) {
    throw new RangeError(`partitioner returned invalid partition ${chosen} for topic ${request.topic} with ${numPartitions} partitions`);
  }
  return chosen;
}

function isPartitionOf(partition: number, numPartitions: number): boolean {
  return Number.isInteger(partition) && partition >= 0 && partition < numPartitions;
}
