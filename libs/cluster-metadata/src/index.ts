/**
 * @samsa/cluster-metadata: the cluster metadata image replayed from the controller's metadata log.
 * The controller writes the records and keeps one image; storage nodes and coordinators apply the
 * same records (or load the same snapshot) to a local image, with the same invariant checks, so
 * every process agrees on brokers, topics, partitions, configs, coordinators and shard owners.
 *
 * Also here, because replaying and reading the image needs them: broker states, topic name rules
 * and the internal topics, coordinator shard hashing, and topic config keys, defaults and checks.
 * Pure and synchronous: no I/O, no clock, no logging.
 */
export { MetadataImage, type BrokerView, type TopicView } from './metadata-image.js';
export { MAX_SHARD_EPOCH } from './image-invariants.js';
export { BROKER_STATE_TRANSITIONS, isEligibleState } from './broker-state.js';
export {
  CONSUMER_OFFSETS_TOPIC,
  TRANSACTION_STATE_TOPIC,
  COORDINATOR_KINDS,
  MAX_TOPIC_NAME_LENGTH,
  topicNameProblem,
  collisionKey,
  isCoordinatorKind,
  shardTopicOf,
  coordinatorKindOfTopic,
  coordinatorShardOf,
  javaStringHash,
} from './topic-names.js';
export {
  CLEANUP_POLICY,
  COMPRESSION_TYPE,
  MAX_MESSAGE_BYTES,
  MESSAGE_TIMESTAMP_TYPE,
  MIN_INSYNC_REPLICAS,
  RETENTION_BYTES,
  RETENTION_MS,
  SEGMENT_BYTES,
  SEGMENT_MS,
  UNCLEAN_LEADER_ELECTION_ENABLE,
  TOPIC_CONFIG_DEFS,
  type TopicConfigDef,
  type ConfigCheckContext,
  INTERNAL_TOPIC_FIXED_KEYS,
  effectiveConfig,
  effectiveConfigs,
  isUncleanElectionEnabled,
  checkConfigEntry,
  checkTopicConfig,
  validateNewTopicConfigs,
  toConfigEntries,
} from './topic-configs.js';
