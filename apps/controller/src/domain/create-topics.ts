/**
 * CreateTopics. Each topic succeeds or fails alone (partial success is normal); the successful
 * ones are written in one batch. Checks, in order: listed twice (DUPLICATE_RESOURCE), name rules
 * and reserved internal names (INVALID_TOPIC_EXCEPTION), existence (TOPIC_ALREADY_EXISTS), '.'/'_'
 * collision with an existing topic or one created earlier in the request
 * (INVALID_TOPIC_EXCEPTION), partition count and replication factor or explicit assignments
 * (INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT), then configs
 * (INVALID_CONFIG). validate_only runs every check and writes nothing.
 *
 * Placement starts at a rotating index (the cluster's partition count, advanced by each topic of
 * the request), so successive topics do not all lead from the same node.
 */
import { ErrorCode, type controller } from '@samsa/proto';
import { type MetadataImage, validateNewTopicConfigs, collisionKey, coordinatorKindOfTopic, topicNameProblem } from '@samsa/cluster-metadata';
import { type CommandContext, type ControllerResult, checkContext, duplicatedKeys } from './command.js';
import {
  automaticLayout,
  clusterPartitionCount,
  explicitLayout,
  isItemError,
  itemError,
  type ItemError,
  newTopicId,
  newTopicRecords,
  type PartitionLayout,
} from './topic-creation.js';

interface TopicPlan {
  readonly layout: PartitionLayout;
  readonly configs: Map<string, string>;
}

function isDefault(value: number): boolean {
  return value === 0 || value === -1;
}

function planLayout(image: MetadataImage, topic: controller.CreatableTopic, context: CommandContext, startIndex: number): PartitionLayout | ItemError {
  const { config } = context;
  if (topic.assignments.length > 0) {
    if (!isDefault(topic.numPartitions) || !isDefault(topic.replicationFactor)) {
      return itemError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'num_partitions and replication_factor must be 0 or -1 when assignments are given');
    }
    if (topic.assignments.length > config.maxPartitionsPerTopic) {
      return itemError(ErrorCode.INVALID_PARTITIONS, `${topic.assignments.length} partitions exceed the limit of ${config.maxPartitionsPerTopic}`);
    }
    return explicitLayout(image, topic.assignments, 0);
  }
  const partitions = isDefault(topic.numPartitions) ? config.defaultNumPartitions : topic.numPartitions;
  if (partitions < 1 || partitions > config.maxPartitionsPerTopic) {
    return itemError(ErrorCode.INVALID_PARTITIONS, `num_partitions must be 1..${config.maxPartitionsPerTopic} (or 0/-1 for the default), got ${partitions}`);
  }
  const replicationFactor = isDefault(topic.replicationFactor) ? config.defaultReplicationFactor : topic.replicationFactor;
  if (replicationFactor < 1) {
    return itemError(ErrorCode.INVALID_REPLICATION_FACTOR, `replication_factor must be >= 1 (or 0/-1 for the default), got ${replicationFactor}`);
  }
  return automaticLayout(image, partitions, replicationFactor, 0, startIndex);
}

function planTopic(
  image: MetadataImage,
  topic: controller.CreatableTopic,
  context: CommandContext,
  startIndex: number,
  collisions: ReadonlyMap<string, string>,
): TopicPlan | ItemError {
  const nameProblem = topicNameProblem(topic.name);
  if (nameProblem !== undefined) return itemError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
  if (coordinatorKindOfTopic(topic.name) !== undefined) {
    return itemError(ErrorCode.INVALID_TOPIC_EXCEPTION, `${topic.name} is reserved for an internal topic the controller creates`);
  }
  if (image.topic(topic.name) !== undefined) return itemError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${topic.name} already exists`);
  const colliding = collisions.get(collisionKey(topic.name));
  if (colliding !== undefined) {
    return itemError(ErrorCode.INVALID_TOPIC_EXCEPTION, `topic ${topic.name} collides with ${colliding} ('.' and '_' are the same in metric names)`);
  }
  const layout = planLayout(image, topic, context, startIndex);
  if (isItemError(layout)) return layout;
  const replicationFactor = layout.replicas[0]?.length ?? 0;
  const configs = validateNewTopicConfigs(topic.configs, replicationFactor, context.config);
  if ('problem' in configs) return itemError(ErrorCode.INVALID_CONFIG, configs.problem);
  return { layout, configs: configs.configs };
}

export function createTopics(
  image: MetadataImage,
  request: controller.CreateTopicsRequest,
  context: CommandContext,
): ControllerResult<controller.CreateTopicsResponse> {
  checkContext(image, context);
  const duplicated = duplicatedKeys(request.topics.map((topic) => topic.name));
  const collisions = new Map(image.topics().map((topic) => [collisionKey(topic.name), topic.name]));
  const usedTopicIds = new Set<string>();
  const records: controller.MetadataRecord[] = [];
  let startIndex = clusterPartitionCount(image);
  const topics = request.topics.map((topic): controller.CreatableTopicResult => {
    const failed = (error: ItemError): controller.CreatableTopicResult => ({ name: topic.name, topicId: '', ...error, numPartitions: -1, replicationFactor: -1 });
    if (duplicated.has(topic.name)) return failed(itemError(ErrorCode.DUPLICATE_RESOURCE, `topic ${topic.name} is listed more than once`));
    const plan = planTopic(image, topic, context, startIndex, collisions);
    if (isItemError(plan)) return failed(plan);
    const numPartitions = plan.layout.replicas.length;
    const replicationFactor = plan.layout.replicas[0]?.length ?? 0;
    startIndex += numPartitions;
    collisions.set(collisionKey(topic.name), topic.name);
    let topicId = '';
    if (!request.validateOnly) {
      topicId = newTopicId(image, usedTopicIds, context.newUuid);
      records.push(...newTopicRecords(topic.name, topicId, plan.configs, false, plan.layout));
    }
    return { name: topic.name, topicId, errorCode: ErrorCode.NONE, errorMessage: '', numPartitions, replicationFactor };
  });
  return { response: { topics }, records };
}
