/**
 * DeleteTopics and CreatePartitions: per-topic results, successful items written in one batch.
 *
 * DeleteTopics resolves each item by name, id or both (both must name the same topic, which
 * guards against deleting a topic recreated under the same name). Two items resolving to the same
 * topic are duplicates. Internal topics are refused (INVALID_TOPIC_EXCEPTION); with
 * delete.topic.enable off every item gets TOPIC_DELETION_DISABLED.
 *
 * CreatePartitions only grows a topic (never an internal one: the shard count is fixed). New
 * partitions keep the topic's replication factor (that of partition 0) and continue the leader
 * rotation where partition 0 started, so a topic's leaders stay balanced as it grows.
 */
import { ErrorCode, type controller } from '@samsa/proto';
import type { MetadataImage, TopicView } from '@samsa/cluster-metadata';
import { type CommandContext, type ControllerResult, checkContext, duplicatedKeys, metadataRecord } from './command.js';
import { arrangeNodes } from './replica-placement.js';
import {
  automaticLayout,
  explicitLayout,
  isItemError,
  itemError,
  type ItemError,
  newPartitionRecords,
  type PartitionLayout,
  placementNodes,
} from './topic-creation.js';

function resolveDeletable(image: MetadataImage, item: controller.DeletableTopic): TopicView | ItemError {
  if (item.name === '' && item.topicId === '') return itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'neither a topic name nor a topic id given');
  const byName = item.name === '' ? undefined : image.topic(item.name);
  const byId = item.topicId === '' ? undefined : image.topicById(item.topicId);
  if (item.name !== '' && byName === undefined) return itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${item.name} does not exist`);
  if (item.topicId !== '' && byId === undefined) return itemError(ErrorCode.UNKNOWN_TOPIC_ID, `topic id ${item.topicId} does not exist`);
  if (byName !== undefined && byId !== undefined && byName !== byId) {
    return itemError(ErrorCode.INCONSISTENT_TOPIC_ID, `topic ${item.name} has id ${byName.topicId}, not ${item.topicId}`);
  }
  return byName ?? byId ?? itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'unreachable');
}

export function deleteTopics(
  image: MetadataImage,
  request: controller.DeleteTopicsRequest,
  context: CommandContext,
): ControllerResult<controller.DeleteTopicsResponse> {
  checkContext(image, context);
  const resolved = request.topics.map((item) => resolveDeletable(image, item));
  const keys = resolved.map((outcome, index) => {
    const item = request.topics[index] as controller.DeletableTopic;
    return isItemError(outcome) ? `request:${item.name}/${item.topicId}` : `topic:${outcome.topicId}`;
  });
  const duplicated = duplicatedKeys(keys);
  const records: controller.MetadataRecord[] = [];
  const topics = request.topics.map((item, index): controller.DeletableTopicResult => {
    const outcome = resolved[index] as TopicView | ItemError;
    const name = isItemError(outcome) ? item.name : outcome.name;
    const topicId = isItemError(outcome) ? item.topicId : outcome.topicId;
    const result = (error: ItemError): controller.DeletableTopicResult => ({ name, topicId, ...error });
    if (duplicated.has(keys[index] as string)) return result(itemError(ErrorCode.DUPLICATE_RESOURCE, 'the topic is listed more than once'));
    if (!context.config.deleteTopicEnable) return result(itemError(ErrorCode.TOPIC_DELETION_DISABLED, 'topic deletion is disabled'));
    if (isItemError(outcome)) return result(outcome);
    if (outcome.internal) return result(itemError(ErrorCode.INVALID_TOPIC_EXCEPTION, `${name} is an internal topic and cannot be deleted`));
    records.push(metadataRecord({ $case: 'topicDeleted', topicDeleted: { name, topicId } }));
    return result(itemError(ErrorCode.NONE, ''));
  });
  return { response: { topics }, records };
}

function planNewPartitions(image: MetadataImage, item: controller.CreatePartitionsTopic, context: CommandContext): PartitionLayout | ItemError {
  const topic = image.topic(item.name);
  if (topic === undefined) return itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${item.name} does not exist`);
  if (topic.internal) return itemError(ErrorCode.INVALID_PARTITIONS, `${item.name} is an internal topic; its shard count is fixed`);
  const current = topic.partitions.length;
  if (item.count <= current) return itemError(ErrorCode.INVALID_PARTITIONS, `topic ${item.name} has ${current} partitions; count must be larger, got ${item.count}`);
  if (item.count > context.config.maxPartitionsPerTopic) {
    return itemError(ErrorCode.INVALID_PARTITIONS, `${item.count} partitions exceed the limit of ${context.config.maxPartitionsPerTopic}`);
  }
  const partition0 = topic.partitions[0];
  const replicationFactor = partition0?.replicas.length ?? 1;
  if (item.assignments.length > 0) {
    if (item.assignments.length !== item.count - current) {
      return itemError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `expected assignments for partitions ${current}..${item.count - 1}, got ${item.assignments.length}`);
    }
    return explicitLayout(image, item.assignments, current, replicationFactor);
  }
  const startIndex = Math.max(0, arrangeNodes(placementNodes(image)).indexOf(partition0?.replicas[0] ?? -1));
  return automaticLayout(image, item.count - current, replicationFactor, current, startIndex);
}

export function createPartitions(
  image: MetadataImage,
  request: controller.CreatePartitionsRequest,
  context: CommandContext,
): ControllerResult<controller.CreatePartitionsResponse> {
  checkContext(image, context);
  const duplicated = duplicatedKeys(request.topics.map((item) => item.name));
  const records: controller.MetadataRecord[] = [];
  const topics = request.topics.map((item): controller.CreatePartitionsTopicResult => {
    if (duplicated.has(item.name)) return { name: item.name, ...itemError(ErrorCode.DUPLICATE_RESOURCE, 'the topic is listed more than once') };
    const layout = planNewPartitions(image, item, context);
    if (isItemError(layout)) return { name: item.name, ...layout };
    const topic = image.topic(item.name) as TopicView;
    if (!request.validateOnly) records.push(...newPartitionRecords(topic.name, topic.topicId, layout, topic.partitions.length));
    return { name: item.name, errorCode: ErrorCode.NONE, errorMessage: '' };
  });
  return { response: { topics }, records };
}
