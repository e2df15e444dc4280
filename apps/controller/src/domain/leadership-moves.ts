/**
 * Partition changes caused by a storage node's state change (Kafka ReplicationControlManager's
 * handleBrokerFenced / handleBrokerInControlledShutdown / handleBrokerUnfenced):
 *
 * - fenced (session expired, asked, or replaced by a new incarnation): removed from every ISR
 *   (the last member stays); partitions it led get the first eligible ISR member in replica
 *   order, else — when the topic enables unclean.leader.election.enable — the first eligible
 *   replica, else no leader (-1) with the ISR keeping the node.
 * - controlled shutdown: the same removal, except that a partition it leads with no other
 *   eligible ISR member keeps it as leader (unmovable; it goes offline when the node stops), and
 *   at most a batch limit of changes are written per step (leaderships first).
 * - unfenced: offline partitions it replicates get a leader again, cleanly from the ISR, or
 *   uncleanly where the topic allows.
 *
 * "Eligible" = ACTIVE in the image, seen as it will be after the node's own state record.
 * Partitions are visited by topic name then index, so the records are deterministic.
 */
import type { TopicPartition } from '@samsa/proto';
import { controller } from '@samsa/proto';
import { type MetadataImage, type TopicView, isUncleanElectionEnabled } from '@samsa/cluster-metadata';
import { electLeader, NO_LEADER, nextPartitionState, partitionChangedRecord, topicPartitionOf, withoutReplica } from './partition-change.js';

const Reason = controller.PartitionChangeReason;

function* partitionsOf(image: MetadataImage): Generator<[TopicView, controller.PartitionState]> {
  for (const topic of image.topics()) for (const partition of topic.partitions) yield [topic, partition];
}

/** Changes for fencing `nodeId`; `offline` lists the partitions left without a leader. */
export function partitionChangesOnFence(
  image: MetadataImage,
  nodeId: number,
): { records: controller.MetadataRecord[]; offline: TopicPartition[] } {
  const isEligible = (id: number): boolean => id !== nodeId && image.isActive(id);
  const records: controller.MetadataRecord[] = [];
  const offline: TopicPartition[] = [];
  for (const [topic, partition] of partitionsOf(image)) {
    if (!partition.isr.includes(nodeId)) continue;
    const isr = withoutReplica(partition.isr, nodeId);
    const mustElect = partition.leaderId === nodeId || partition.leaderId === NO_LEADER;
    const target = mustElect
      ? electLeader(partition.replicas, isr, isEligible, isUncleanElectionEnabled(topic.configs))
      : { leaderId: partition.leaderId, isr, unclean: false };
    const next = nextPartitionState(partition, target);
    if (next === undefined) continue;
    records.push(partitionChangedRecord(next, target.unclean ? Reason.PARTITION_CHANGE_REASON_UNCLEAN_ELECTION : Reason.PARTITION_CHANGE_REASON_BROKER_FENCED));
    if (next.leaderId === NO_LEADER) offline.push(topicPartitionOf(next));
  }
  return { records, offline };
}

/** One step of moving leadership away from a node in controlled shutdown. */
export interface ControlledShutdownPlan {
  readonly records: controller.MetadataRecord[];
  /** Led partitions that can move but did not fit in this step's batch. */
  readonly remaining: TopicPartition[];
  /** Led partitions with no other eligible ISR member. */
  readonly unmovable: TopicPartition[];
}

export function planControlledShutdown(image: MetadataImage, nodeId: number, maxChanges: number): ControlledShutdownPlan {
  const isEligible = (id: number): boolean => id !== nodeId && image.isActive(id);
  const leaderships: controller.PartitionState[] = [];
  const followerships: controller.PartitionState[] = [];
  const unmovable: TopicPartition[] = [];
  for (const [, partition] of partitionsOf(image)) {
    if (partition.leaderId === nodeId) {
      const isr = withoutReplica(partition.isr, nodeId);
      const election = electLeader(partition.replicas, isr, isEligible, false);
      const next = election.leaderId === NO_LEADER ? undefined : nextPartitionState(partition, election);
      if (next === undefined) unmovable.push(topicPartitionOf(partition));
      else leaderships.push(next);
    } else if (partition.isr.includes(nodeId)) {
      const next = nextPartitionState(partition, { leaderId: partition.leaderId, isr: withoutReplica(partition.isr, nodeId) });
      if (next !== undefined) followerships.push(next);
    }
  }
  const changes = [...leaderships, ...followerships].slice(0, maxChanges);
  return {
    records: changes.map((state) => partitionChangedRecord(state, Reason.PARTITION_CHANGE_REASON_BROKER_SHUTTING_DOWN)),
    remaining: leaderships.slice(maxChanges).map(topicPartitionOf),
    unmovable,
  };
}

/** Changes for unfencing `nodeId`: offline partitions it replicates get a leader where possible. */
export function partitionChangesOnUnfence(image: MetadataImage, nodeId: number): controller.MetadataRecord[] {
  const isEligible = (id: number): boolean => id === nodeId || image.isActive(id);
  const records: controller.MetadataRecord[] = [];
  for (const [topic, partition] of partitionsOf(image)) {
    if (partition.leaderId !== NO_LEADER || !partition.replicas.includes(nodeId)) continue;
    const election = electLeader(partition.replicas, partition.isr, isEligible, isUncleanElectionEnabled(topic.configs));
    if (election.leaderId === NO_LEADER) continue;
    const next = nextPartitionState(partition, election);
    if (next === undefined) continue;
    records.push(partitionChangedRecord(next, election.unclean ? Reason.PARTITION_CHANGE_REASON_UNCLEAN_ELECTION : Reason.PARTITION_CHANGE_REASON_BROKER_UNFENCED));
  }
  return records;
}
