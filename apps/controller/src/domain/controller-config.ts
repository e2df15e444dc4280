/**
 * ControllerConfig: the knobs of the controller's domain rules (topic defaults, internal topics,
 * producer-id blocks, session timings reported to callers, batch limits). main.ts builds one from
 * the service configuration; tests build one with {@link controllerConfig} and a few overrides.
 *
 * Invariants: every count is a positive integer (minSegmentBytes may be lowered for tests, never
 * below 1); the object is frozen, so a handler can never change the rules it runs under.
 */

export interface ControllerConfig {
  /** num.partitions: partitions of a topic created with num_partitions 0 or -1. */
  readonly defaultNumPartitions: number;
  /** default.replication.factor: replicas of a topic created with replication_factor 0 or -1. */
  readonly defaultReplicationFactor: number;
  /** Upper bound on a topic's partition count, so one request cannot write millions of records. */
  readonly maxPartitionsPerTopic: number;
  /** Smallest accepted segment.bytes (Kafka 4.0: 1 MiB); tests lower it to roll small segments. */
  readonly minSegmentBytes: number;
  /** delete.topic.enable: false answers DeleteTopics with TOPIC_DELETION_DISABLED. */
  readonly deleteTopicEnable: boolean;
  /** offsets.topic.num.partitions: shards of the group coordinator (`__consumer_offsets`). */
  readonly offsetsTopicPartitions: number;
  /** transaction.state.log.num.partitions: shards of the transaction coordinator (`__transaction_state`). */
  readonly transactionStateTopicPartitions: number;
  /** Replication factor of the internal topics, capped at the number of active storage nodes. */
  readonly internalTopicReplicationFactor: number;
  /** min.insync.replicas of the internal topics, capped at their replication factor. */
  readonly internalTopicMinInsyncReplicas: number;
  /** segment.bytes of the internal topics (Kafka's offsets.topic.segment.bytes, 100 MiB). */
  readonly internalTopicSegmentBytes: number;
  /** Active storage nodes needed before the internal topics are created (1 = as soon as one is up). */
  readonly internalTopicsMinActiveNodes: number;
  /** Producer ids per AllocateProducerIds block. */
  readonly producerIdBlockSize: number;
  /** broker.heartbeat.interval.ms, reported to storage nodes by RegisterBroker. */
  readonly brokerHeartbeatIntervalMs: number;
  /** broker.session.timeout.ms, reported to storage nodes by RegisterBroker. */
  readonly brokerSessionTimeoutMs: number;
  /** Heartbeat interval reported to coordinator instances by RegisterCoordinator, ms. */
  readonly coordinatorHeartbeatIntervalMs: number;
  /** Coordinator session timeout reported by RegisterCoordinator, ms. */
  readonly coordinatorSessionTimeoutMs: number;
  /** Most partition changes one ControlledShutdown step writes; the rest are reported as remaining. */
  readonly maxPartitionChangesPerBatch: number;
}

/** Kafka's defaults (spec/kafka-facts.md §12) and Samsa's own. */
export const DEFAULT_CONTROLLER_CONFIG: ControllerConfig = Object.freeze({
  defaultNumPartitions: 1,
  defaultReplicationFactor: 1,
  maxPartitionsPerTopic: 10_000,
  minSegmentBytes: 1_048_576,
  deleteTopicEnable: true,
  offsetsTopicPartitions: 50,
  transactionStateTopicPartitions: 50,
  internalTopicReplicationFactor: 3,
  internalTopicMinInsyncReplicas: 2,
  internalTopicSegmentBytes: 104_857_600,
  internalTopicsMinActiveNodes: 1,
  producerIdBlockSize: 1000,
  brokerHeartbeatIntervalMs: 2000,
  brokerSessionTimeoutMs: 9000,
  coordinatorHeartbeatIntervalMs: 2000,
  coordinatorSessionTimeoutMs: 9000,
  maxPartitionChangesPerBatch: 10_000,
});

/** The defaults with `overrides` applied, checked (every bad key reported together) and frozen. */
export function controllerConfig(overrides: Partial<ControllerConfig> = {}): ControllerConfig {
  const config: ControllerConfig = { ...DEFAULT_CONTROLLER_CONFIG, ...overrides };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (key === 'deleteTopicEnable') {
      if (typeof value !== 'boolean') problems.push(`${key} must be a boolean`);
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      problems.push(`${key} must be a positive integer, got ${String(value)}`);
    }
  }
  if (config.internalTopicSegmentBytes < config.minSegmentBytes) {
    problems.push(`internalTopicSegmentBytes must be at least minSegmentBytes (${config.minSegmentBytes})`);
  }
  if (problems.length > 0) throw new Error(`invalid controller config: ${problems.join('; ')}`);
  return Object.freeze(config);
}
