/** The partitions the metadata image says this node is a replica of, with their topic settings. */
import type { MetadataImage } from '@samsa/cluster-metadata';
import type { storage } from '@samsa/proto';
import type { AssignedPartition } from '../domain/replica-manager.js';
import { topicSettings } from '../domain/topic-log-config.js';

export function assignmentsOf(image: MetadataImage, nodeId: number): AssignedPartition[] {
  return image.replicaPartitions(nodeId).flatMap((state) => {
    const topic = image.topic(state.topicPartition?.topic ?? '');
    if (!topic) return [];
    return [{ topic: topic.name, topicId: topic.topicId, state, settings: topicSettings(image.effectiveTopicConfig(topic.name) ?? new Map()) }];
  });
}

/** Where the current leader of a partition is, for NOT_LEADER_OR_FOLLOWER answers. */
export function leaderHintOf(image: MetadataImage, topic: string, partition: number): storage.LeaderHint | undefined {
  const state = image.partition(topic, partition);
  if (!state) return undefined;
  return { leaderId: state.leaderId, leaderEpoch: state.leaderEpoch, leaderEndpoint: state.leaderId >= 0 ? image.brokerEndpoint(state.leaderId) : undefined };
}
