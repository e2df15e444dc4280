/**
 * Building blocks shared by CreateTopics, CreatePartitions and internal topic creation: checking
 * explicit replica assignments, automatic rack-aware placement over the ACTIVE nodes, topic ids,
 * and the records of a new topic (TopicCreatedRecord, then one PartitionChangedRecord with reason
 * CREATED per partition: leader = first in-sync replica, ISR = replicas on active nodes, epochs 0).
 */
import { ErrorCode, controller } from '@samsa/proto';
import { type MetadataImage, toConfigEntries } from '@samsa/cluster-metadata';
import { metadataRecord } from './command.js';
import { newPartitionState, partitionChangedRecord } from './partition-change.js';
import { placeReplicas, type PlacementNode } from './replica-placement.js';

/** A per-item rejection. */
export interface ItemError {
  readonly errorCode: ErrorCode;
  readonly errorMessage: string;
}

export function itemError(errorCode: ErrorCode, errorMessage: string): ItemError {
  return { errorCode, errorMessage };
}

export function isItemError(value: object): value is ItemError {
  return 'errorCode' in value && 'errorMessage' in value;
}

/** Replicas and initial ISR of each partition being created. */
export interface PartitionLayout {
  readonly replicas: number[][];
  readonly isrs: number[][];
}

/** The ACTIVE nodes, as placement sees them. */
export function placementNodes(image: MetadataImage): PlacementNode[] {
  return image.activeBrokers().map((broker) => ({ nodeId: broker.registration.nodeId, rack: broker.registration.rack }));
}

/** Rotating start: the number of partitions in the cluster, so successive topics start further on. */
export function clusterPartitionCount(image: MetadataImage): number {
  return image.topics().reduce((sum, topic) => sum + topic.partitions.length, 0);
}

/** Automatic placement: every replica on an active node, so the ISR is the replica list. */
export function automaticLayout(
  image: MetadataImage,
  partitionCount: number,
  replicationFactor: number,
  firstPartition: number,
  startIndex: number,
): PartitionLayout | ItemError {
  const nodes = placementNodes(image);
  if (replicationFactor > nodes.length) {
    return itemError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `replication factor ${replicationFactor} is larger than the ${nodes.length} active storage node(s)`,
    );
  }
  const replicas = placeReplicas({ nodes, partitionCount, replicationFactor, firstPartition, startIndex });
  return { replicas, isrs: replicas.map((list) => [...list]) };
}

/**
 * Checks explicit assignments for partitions first..first+n-1 (each exactly once, same number of
 * replicas — `replicationFactor` when given —, no repeated node, every node registered, at least
 * one replica per partition on an active node); ISR = the replicas on active nodes.
 */
export function explicitLayout(
  image: MetadataImage,
  assignments: readonly controller.ReplicaAssignment[],
  firstPartition: number,
  replicationFactor?: number,
): PartitionLayout | ItemError {
  const invalid = (message: string): ItemError => itemError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
  const sorted = [...assignments].sort((a, b) => a.partition - b.partition);
  const expectedSize = replicationFactor ?? sorted[0]?.replicas.length ?? 0;
  const replicas: number[][] = [];
  const isrs: number[][] = [];
  for (const [index, assignment] of sorted.entries()) {
    if (assignment.partition !== firstPartition + index) {
      return invalid(`assignments must cover partitions ${firstPartition}..${firstPartition + sorted.length - 1} each exactly once`);
    }
    const list = assignment.replicas;
    if (list.length === 0 || list.length !== expectedSize) {
      return invalid(`partition ${assignment.partition} has ${list.length} replicas, expected ${expectedSize}`);
    }
    if (new Set(list).size !== list.length) return invalid(`partition ${assignment.partition} lists a node twice`);
    const unknown = list.find((nodeId) => image.broker(nodeId) === undefined);
    if (unknown !== undefined) return invalid(`partition ${assignment.partition} uses node ${unknown}, which is not registered`);
    const isr = list.filter((nodeId) => image.isActive(nodeId));
    if (isr.length === 0) return invalid(`partition ${assignment.partition} has no replica on an active storage node`);
    replicas.push([...list]);
    isrs.push(isr);
  }
  return { replicas, isrs };
}

/** A fresh topic id not used by any topic of the image or of this batch. */
export function newTopicId(image: MetadataImage, usedInBatch: Set<string>, newUuid: () => string): string {
  for (let attempt = 0; attempt < 10; attempt++) {
    const topicId = newUuid();
    if (topicId !== '' && !usedInBatch.has(topicId) && image.topicById(topicId) === undefined) {
      usedInBatch.add(topicId);
      return topicId;
    }
  }
  throw new Error('the UUID generator keeps returning ids in use');
}

/** PartitionChangedRecords (CREATED) for partitions first.. of a topic. */
export function newPartitionRecords(name: string, topicId: string, layout: PartitionLayout, firstPartition: number): controller.MetadataRecord[] {
  return layout.replicas.map((replicas, index) =>
    partitionChangedRecord(
      newPartitionState(name, topicId, firstPartition + index, replicas, layout.isrs[index] ?? []),
      controller.PartitionChangeReason.PARTITION_CHANGE_REASON_CREATED,
    ),
  );
}

/** The records creating a topic with its partitions. */
export function newTopicRecords(
  name: string,
  topicId: string,
  configs: ReadonlyMap<string, string>,
  internal: boolean,
  layout: PartitionLayout,
): controller.MetadataRecord[] {
  const created = metadataRecord({
    $case: 'topicCreated',
    topicCreated: { name, topicId, partitionCount: layout.replicas.length, configs: toConfigEntries(configs), internal },
  });
  return [created, ...newPartitionRecords(name, topicId, layout, 0)];
}
