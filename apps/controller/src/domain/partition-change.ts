/**
 * Pure builders of partition state changes (Kafka `PartitionChangeBuilder`): leader election over
 * the ISR in replica preference order, ISR removal that never empties the ISR, and the next
 * PartitionState with its epochs bumped.
 *
 * Epoch rules (controller_types.proto): the partition epoch goes up by 1 on every change; the
 * leader epoch goes up by 1 exactly when the leader changes, to or from -1 included. A "change"
 * that changes nothing yields no state, so no record is written for it.
 */
import type { TopicPartition } from '@samsa/proto';
import { controller } from '@samsa/proto';
import { metadataRecord } from './command.js';

/** Leader -1: the partition is offline. */
export const NO_LEADER = -1;

/** The leader and ISR a change aims at. */
export interface PartitionTarget {
  readonly leaderId: number;
  readonly isr: readonly number[];
}

/** An election's outcome; `unclean` when the leader was not in the ISR (data may be lost). */
export interface Election extends PartitionTarget {
  readonly unclean: boolean;
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/** The partition's next state with epochs bumped, or undefined when `target` changes nothing. */
export function nextPartitionState(current: controller.PartitionState, target: PartitionTarget): controller.PartitionState | undefined {
  if (current.leaderId === target.leaderId && sameMembers(current.isr, target.isr)) return undefined;
  return controller.PartitionState.fromPartial({
    ...current,
    isr: [...target.isr],
    leaderId: target.leaderId,
    leaderEpoch: current.leaderId === target.leaderId ? current.leaderEpoch : current.leaderEpoch + 1,
    partitionEpoch: current.partitionEpoch + 1,
  });
}

/** `isr` without `nodeId`, except that the last member stays (Kafka never empties an ISR). */
export function withoutReplica(isr: readonly number[], nodeId: number): number[] {
  const remaining = isr.filter((id) => id !== nodeId);
  return remaining.length === 0 ? [...isr] : remaining;
}

/**
 * Elects a leader: the first replica in preference order that is in `isr` and eligible; failing
 * that, when `allowUnclean`, the first eligible replica at all, with the ISR reset to it alone;
 * failing that, no leader and the ISR unchanged.
 */
export function electLeader(
  replicas: readonly number[],
  isr: readonly number[],
  isEligible: (nodeId: number) => boolean,
  allowUnclean: boolean,
): Election {
  const clean = replicas.find((id) => isr.includes(id) && isEligible(id));
  if (clean !== undefined) return { leaderId: clean, isr: [...isr], unclean: false };
  if (allowUnclean) {
    const unclean = replicas.find(isEligible);
    if (unclean !== undefined) return { leaderId: unclean, isr: [unclean], unclean: true };
  }
  return { leaderId: NO_LEADER, isr: [...isr], unclean: false };
}

/** A PartitionChangedRecord carrying `state`. */
export function partitionChangedRecord(state: controller.PartitionState, reason: controller.PartitionChangeReason): controller.MetadataRecord {
  return metadataRecord({ $case: 'partitionChanged', partitionChanged: { partition: state, reason } });
}

/** The first state of a new partition: leader = first ISR member, epochs 0. */
export function newPartitionState(topic: string, topicId: string, partition: number, replicas: readonly number[], isr: readonly number[]): controller.PartitionState {
  return {
    topicPartition: { topic, partition },
    topicId,
    replicas: [...replicas],
    isr: [...isr],
    leaderId: isr[0] ?? NO_LEADER,
    leaderEpoch: 0,
    partitionEpoch: 0,
  };
}

/** The partition a state describes. */
export function topicPartitionOf(state: controller.PartitionState): TopicPartition {
  const topicPartition = state.topicPartition;
  if (topicPartition === undefined) throw new Error('partition state without topic partition');
  return { topic: topicPartition.topic, partition: topicPartition.partition };
}
