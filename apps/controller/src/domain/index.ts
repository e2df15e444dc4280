/**
 * The controller's domain layer: the metadata image replayed from the metadata log, and pure
 * command handlers that return `{ response, records }` (see command.ts for the stamping contract).
 * No gRPC, no logging, no clock, no environment: the transport and persistence layers drive it.
 */
export { type ControllerConfig, DEFAULT_CONTROLLER_CONFIG, controllerConfig } from './controller-config.js';
export {
  type CommandContext,
  type ControllerResult,
  type MetadataPayload,
  type SessionLiveness,
  type SessionError,
  checkBrokerSession,
  checkCoordinatorSession,
  metadataRecord,
} from './command.js';
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
  shardTopicOf,
  coordinatorKindOfTopic,
  coordinatorShardOf,
  javaStringHash,
} from './topic-names.js';
export {
  TOPIC_CONFIG_DEFS,
  type TopicConfigDef,
  INTERNAL_TOPIC_FIXED_KEYS,
  effectiveConfig,
  isUncleanElectionEnabled,
  checkConfigEntry,
} from './topic-configs.js';
export { NO_LEADER, electLeader, nextPartitionState, withoutReplica, type Election, type PartitionTarget } from './partition-change.js';
export { arrangeNodes, placeReplicas, type PlacementNode, type PlacementRequest } from './replica-placement.js';
export { registerBroker, brokerHeartbeat, controlledShutdown, fenceBroker, type FenceBrokerOutcome } from './broker-handlers.js';
export { createTopics } from './create-topics.js';
export { deleteTopics, createPartitions } from './topic-handlers.js';
export { describeConfigs, alterConfigs } from './config-handlers.js';
export { electLeaders, alterPartition, STALE_PARTITION_EPOCH } from './partition-handlers.js';
export { createCluster, describeCluster, allocateProducerIds } from './cluster-handlers.js';
export {
  assignShards,
  planShardAssignment,
  type AssignShardsOptions,
  type ShardAssignmentInput,
  type ShardAssignmentPlan,
} from './shard-assignment.js';
export { registerCoordinator, coordinatorHeartbeat, expireCoordinator, shardCountOf } from './coordinator-handlers.js';
export { ensureInternalTopics } from './internal-topics.js';
