/**
 * Test harness: a minimal record accumulator that follows the partitioner contract of
 * `partitioner.ts` — choose, append (a record that does not fit closes the batch and opens a new
 * one), report `onAppend` with `lastBatchFull`, and on `drain` hand every queued batch to a fake
 * sender and report queue depths through `updateLoadStats`.
 */
import { choosePartition, type Partitioner, type TopicPartitions } from '../partitioner.js';
import type { RandomInt } from '../random.js';

export class FakeAccumulator {
  /** Bytes of each queued batch, per partition; the last one is the open batch. */
  readonly queues: number[][];
  /** Records appended per partition since creation. */
  readonly recordCounts: number[];

  constructor(
    private readonly partitioner: Partitioner,
    readonly topic: string,
    private topicPartitions: TopicPartitions,
    private readonly batchSizeBytes: number,
  ) {
    this.queues = Array.from({ length: topicPartitions.numPartitions }, () => []);
    this.recordCounts = new Array<number>(topicPartitions.numPartitions).fill(0);
  }

  /** Partitions and appends one record; returns its partition. */
  send(key: Uint8Array | null, recordSizeBytes: number, explicitPartition: number | null = null): number {
    const partition = choosePartition(
      this.partitioner,
      { topic: this.topic, key, valueSizeBytes: recordSizeBytes, partition: explicitPartition },
      this.topicPartitions,
    );
    const queue = this.queues[partition] ?? [];
    const openBatchBytes = queue.at(-1);
    if (openBatchBytes === undefined || openBatchBytes + recordSizeBytes > this.batchSizeBytes) queue.push(recordSizeBytes);
    else queue[queue.length - 1] = openBatchBytes + recordSizeBytes;
    this.recordCounts[partition] = (this.recordCounts[partition] ?? 0) + 1;
    if (explicitPartition === null) {
      const lastBatchFull = (queue.at(-1) ?? 0) >= this.batchSizeBytes;
      this.partitioner.onAppend?.({ topic: this.topic, key, partition, appendedBytes: recordSizeBytes, lastBatchFull });
    }
    return partition;
  }

  /** The sender takes up to `maxBatchesPerPartition` batches of every partition, then reports load. */
  drain(maxBatchesPerPartition = Number.POSITIVE_INFINITY): void {
    for (const queue of this.queues) queue.splice(0, Math.min(queue.length, maxBatchesPerPartition));
    this.reportLoad();
  }

  reportLoad(stalledMs: (partition: number) => number = () => 0): void {
    const available = new Set(this.topicPartitions.availablePartitions);
    this.partitioner.updateLoadStats?.(
      this.topic,
      this.queues.map((queue, partition) => ({
        partition,
        queuedBatches: queue.length,
        hasLeader: available.has(partition),
        leaderStalledMs: stalledMs(partition),
      })),
    );
  }

  setTopicPartitions(topicPartitions: TopicPartitions): void {
    this.topicPartitions = topicPartitions;
  }
}

/** Metadata for a topic whose partitions all have leaders unless listed as leaderless. */
export function topicPartitions(numPartitions: number, leaderless: readonly number[] = []): TopicPartitions {
  const availablePartitions: number[] = [];
  for (let p = 0; p < numPartitions; p++) if (!leaderless.includes(p)) availablePartitions.push(p);
  return { numPartitions, availablePartitions };
}

/** A RandomInt that replays `values` in order, cycling. */
export function scriptedRandom(values: readonly number[]): RandomInt {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}
