/**
 * @samsa/partitioners: how a producer picks a record's partition, compatible with Kafka's Java
 * client — murmur2 key hashing, the KIP-794 uniform sticky default, round robin, and the
 * {@link Partitioner} interface for custom strategies. Pure domain code: no I/O, no clock, and
 * randomness is injected.
 */
export { murmur2, toPositive, partitionForKey } from './murmur2.js';
export {
  choosePartition,
  type Partitioner,
  type PartitionRequest,
  type TopicPartitions,
  type RecordAppended,
  type PartitionLoad,
} from './partitioner.js';
export { DefaultPartitioner, DEFAULT_BATCH_SIZE_BYTES, type DefaultPartitionerOptions } from './default-partitioner.js';
export { RoundRobinPartitioner } from './round-robin-partitioner.js';
export { buildLoadStats, pickWeighted, type PartitionLoadStats } from './partition-load-stats.js';
export { seededRandom, type RandomInt } from './random.js';
