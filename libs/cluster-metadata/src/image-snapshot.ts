/**
 * MetadataImage ↔ MetadataSnapshot. A snapshot is the image at one version: brokers by node id,
 * topics by name with partitions in index order, coordinators by (kind, instance id), shard
 * ownership per kind in shard order. Writing copies everything, so the snapshot shares nothing
 * with the live image; loading checks the same invariants replay does and throws on a broken one.
 */
import { controller } from '@samsa/proto';
import {
  checkBrokerRegistration,
  checkCoordinatorRegistration,
  checkPartitionState,
  checkShardAssignment,
  fail,
} from './image-invariants.js';
import type { ImageState } from './metadata-image.js';
import { TOPIC_CONFIG_DEFS, toConfigEntries } from './topic-configs.js';
import { coordinatorKindOfTopic, isCoordinatorKind, shardTopicOf, topicNameProblem } from './topic-names.js';

const BROKER_STATES: readonly controller.BrokerState[] = [
  controller.BrokerState.BROKER_STATE_FENCED,
  controller.BrokerState.BROKER_STATE_ACTIVE,
  controller.BrokerState.BROKER_STATE_SHUTTING_DOWN,
];

export function imageToSnapshot(state: ImageState): controller.MetadataSnapshot {
  const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    version: state.version,
    clusterId: state.clusterId,
    nextProducerId: state.nextProducerId,
    brokers: [...state.brokers.values()]
      .sort((a, b) => a.registration.nodeId - b.registration.nodeId)
      .map((broker) => ({ registration: controller.BrokerRegistration.fromPartial(broker.registration), state: broker.state })),
    topics: [...state.topics.values()].sort(byName).map((topic) => ({
      name: topic.name,
      topicId: topic.topicId,
      internal: topic.internal,
      configs: toConfigEntries(topic.configs),
      partitions: topic.partitions.map((partition) => controller.PartitionState.fromPartial(partition)),
    })),
    coordinators: [...state.coordinators.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([, instances]) => [...instances.values()].sort((a, b) => a.instanceId - b.instanceId))
      .map((registration) => controller.CoordinatorRegistration.fromPartial(registration)),
    coordinatorShards: [...state.shards.entries()]
      .filter(([, shards]) => shards.length > 0)
      .sort(([a], [b]) => a - b)
      .map(([kind, shards]) => ({ kind, shards: shards.map((shard) => controller.CoordinatorShardAssignment.fromPartial(shard)) })),
  };
}

/** Fills an empty image's state from `snapshot`, checking every invariant. */
export function imageFromSnapshot(state: ImageState, snapshot: controller.MetadataSnapshot): void {
  if (snapshot.version < 0 || (snapshot.version > 0 && snapshot.clusterId === '')) fail('snapshot without version or cluster id');
  if (snapshot.nextProducerId < 0) fail('negative next producer id');
  state.version = snapshot.version;
  state.clusterId = snapshot.clusterId;
  state.nextProducerId = snapshot.nextProducerId;
  for (const broker of snapshot.brokers) {
    const registration = checkBrokerRegistration(broker.registration);
    if (!BROKER_STATES.includes(broker.state)) fail(`node ${registration.nodeId} has state ${broker.state}`);
    if (registration.brokerEpoch < 1 || registration.brokerEpoch > snapshot.version) fail(`node ${registration.nodeId}: bad broker epoch`);
    if (state.brokers.has(registration.nodeId)) fail(`node ${registration.nodeId} listed twice`);
    state.brokers.set(registration.nodeId, { registration: controller.BrokerRegistration.fromPartial(registration), state: broker.state });
  }
  const topicIds = new Set<string>();
  for (const topic of snapshot.topics) loadTopic(state, topic, topicIds);
  for (const registration of snapshot.coordinators) {
    checkCoordinatorRegistration(registration);
    const instances = state.coordinators.get(registration.kind) ?? fail(`no coordinator table for kind ${registration.kind}`);
    if (instances.has(registration.instanceId)) fail(`coordinator ${registration.instanceId} listed twice`);
    if (registration.coordinatorEpoch < 1 || registration.coordinatorEpoch > snapshot.version) fail('bad coordinator epoch');
    instances.set(registration.instanceId, controller.CoordinatorRegistration.fromPartial(registration));
  }
  const kinds = new Set<controller.CoordinatorKind>();
  for (const image of snapshot.coordinatorShards) {
    if (!isCoordinatorKind(image.kind) || kinds.has(image.kind)) fail(`bad or repeated shard kind ${image.kind}`);
    kinds.add(image.kind);
    const shardCount = state.topics.get(shardTopicOf(image.kind))?.partitions.length ?? 0;
    if (image.shards.length !== shardCount) fail(`${image.shards.length} shards of kind ${image.kind}, expected ${shardCount}`);
    const instances = state.coordinators.get(image.kind);
    image.shards.forEach((shard, index) => {
      checkShardAssignment(shard, state.nextProducerId);
      if (shard.shard !== index) fail(`shard ${shard.shard} at position ${index}`);
      if (shard.instanceId !== -1 && !instances?.has(shard.instanceId)) fail(`shard owner ${shard.instanceId} not registered`);
    });
    state.shards.set(image.kind, image.shards.map((shard) => controller.CoordinatorShardAssignment.fromPartial(shard)));
  }
  for (const [kind, shards] of state.shards) {
    if (shards.length === 0 && state.topics.has(shardTopicOf(kind))) fail(`internal topic ${shardTopicOf(kind)} without its shard table`);
  }
}

function loadTopic(state: ImageState, topic: controller.TopicImage, topicIds: Set<string>): void {
  const problem = topicNameProblem(topic.name);
  if (problem !== undefined) fail(problem);
  if (state.topics.has(topic.name) || topic.topicId === '' || topicIds.has(topic.topicId)) fail(`topic ${topic.name} repeated or without id`);
  if (topic.internal !== (coordinatorKindOfTopic(topic.name) !== undefined)) fail(`topic ${topic.name}: wrong internal flag`);
  if (topic.partitions.length === 0) fail(`topic ${topic.name} has no partitions`);
  topicIds.add(topic.topicId);
  const configs = new Map<string, string>();
  for (const entry of topic.configs) {
    if (!TOPIC_CONFIG_DEFS.has(entry.name) || entry.value === undefined || configs.has(entry.name)) fail(`topic ${topic.name}: bad config ${entry.name}`);
    configs.set(entry.name, entry.value);
  }
  const partitions = topic.partitions.map((partition, index) => {
    checkPartitionState(partition);
    if (partition.topicPartition?.topic !== topic.name || partition.topicPartition.partition !== index || partition.topicId !== topic.topicId) {
      fail(`topic ${topic.name}: partition at position ${index} belongs elsewhere`);
    }
    return controller.PartitionState.fromPartial(partition);
  });
  state.topics.set(topic.name, { name: topic.name, topicId: topic.topicId, internal: topic.internal, configs, partitions });
}
