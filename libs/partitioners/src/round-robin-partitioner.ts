/**
 * RoundRobinPartitioner: Kafka's opt-in `RoundRobinPartitioner` (the keyless behaviour of
 * clients up to 2.3). Keys are ignored; every record goes to the next partition in turn.
 *
 * Per topic a counter `c` starts at 0 and is incremented per record (wrapping as an int32). With
 * partitions that have a leader, the record goes to `available[toPositive(c) % available.length]`;
 * with none, to `toPositive(c) % numPartitions`. Deterministic; no randomness needed. Bad for
 * batching (every record may open a new batch), which is why uniform sticky replaced it.
 */
import { toPositive } from './murmur2.js';
import type { Partitioner, TopicPartitions } from './partitioner.js';

export class RoundRobinPartitioner implements Partitioner {
  private readonly counters = new Map<string, number>();

  partition(topic: string, _key: Uint8Array | null, _valueSizeBytes: number, topicPartitions: TopicPartitions): number {
    const counter = this.counters.get(topic) ?? 0;
    this.counters.set(topic, (counter + 1) | 0);
    const index = toPositive(counter);
    const available = topicPartitions.availablePartitions;
    const choice = available.length > 0 ? available[index % available.length] : undefined;
    return choice ?? index % topicPartitions.numPartitions;
  }

  close(): void {
    this.counters.clear();
  }
}
