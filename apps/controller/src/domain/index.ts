/**
 * The controller's domain layer: pure command handlers that read the metadata image and return
 * `{ response, records }` (see command.ts for the stamping contract). The image itself, and the
 * topic name and config rules it checks records against, live in @samsa/cluster-metadata (shared
 * with storage nodes and coordinators); they are re-exported here so controller code has one
 * domain entry point. No gRPC, no logging, no clock, no environment: the transport and
 * persistence layers drive it.
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
export {
  MetadataImage,
  type BrokerView,
  type TopicView,
  MAX_SHARD_EPOCH,
  BROKER_STATE_TRANSITIONS,
  isEligibleState,
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
  TOPIC_CONFIG_DEFS,
  type TopicConfigDef,
  INTERNAL_TOPIC_FIXED_KEYS,
  effectiveConfig,
  isUncleanElectionEnabled,
  checkConfigEntry,
} from '@samsa/cluster-metadata';
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
