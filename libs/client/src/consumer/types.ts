/**
 * The consumer's public value types (Kafka's TopicPartition and ConsumerRecord) and the string key
 * the consumer's internal maps use for a partition.
 */
import type { Header } from '../serdes.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** How a record's timestamp was set: by the producer, or by the partition leader on append. */
export type TimestampTypeName = 'CreateTime' | 'LogAppendTime';

/** One record as `poll` hands it to the application. */
export interface ConsumerRecord<K = Buffer | null, V = Buffer | null> {
  topic: string;
  partition: number;
  offset: number;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  timestampType: TimestampTypeName;
  key: K;
  value: V;
  headers: Header[];
  /** Leader epoch stamped on the record's batch by the leader that appended it; -1 when unknown. */
  leaderEpoch: number;
}

/** Map key of a partition; topic names never contain NUL. */
export type PartitionKey = string;

export function partitionKey(topic: string, partition: number): PartitionKey {
  return `${topic}\u0000${partition}`;
}

export function describePartition(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
