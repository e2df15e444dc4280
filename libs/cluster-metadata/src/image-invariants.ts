/**
 * The invariants a replayed record or a loaded snapshot must satisfy. A violation means the
 * metadata log is broken (or a handler wrote a bad record), never a user error, so every check
 * throws a plain Error and the image stays as it was.
 *
 * Partition state (controller_types.proto PartitionState):
 *   replicas non-empty, distinct, >= 0; ISR non-empty, distinct, a subset of replicas (Kafka never
 *   empties an ISR: the last member stays); leader -1 or an ISR member; epochs >= 0.
 * Partition transition: same topic id; partition epoch + 1; leader epoch + 1 exactly when the
 *   leader changes (to or from -1 included), unchanged otherwise. A new partition starts at 0/0.
 * Shard assignment: shard_epoch in 0..32766; bumped by exactly 1 on every record for an existing
 *   shard, or restarted at 0 with a new writer producer id (roll-over); a new shard starts at 0.
 */
import { controller } from '@samsa/proto';
import { isCoordinatorKind } from './topic-names.js';

/** The largest shard epoch (it doubles as an int16 producer epoch, and 32767 is reserved). */
export const MAX_SHARD_EPOCH = 32_766;

export function fail(message: string): never {
  throw new Error(`metadata invariant broken: ${message}`);
}

function isDistinct(values: readonly number[]): boolean {
  return new Set(values).size === values.length;
}

function partitionName(state: controller.PartitionState): string {
  return `${state.topicPartition?.topic ?? '?'}-${state.topicPartition?.partition ?? '?'}`;
}

export function checkBrokerRegistration(registration: controller.BrokerRegistration | undefined): controller.BrokerRegistration {
  if (registration === undefined) fail('broker registration missing');
  if (!Number.isInteger(registration.nodeId) || registration.nodeId < 0) fail(`bad node id ${registration.nodeId}`);
  if (registration.incarnationId === '') fail(`node ${registration.nodeId} has no incarnation id`);
  if (registration.listeners.length === 0) fail(`node ${registration.nodeId} has no listener`);
  return registration;
}

export function checkPartitionState(state: controller.PartitionState | undefined): controller.PartitionState {
  if (state?.topicPartition === undefined) fail('partition state without topic partition');
  const name = partitionName(state);
  const { replicas, isr, leaderId } = state;
  if (state.topicPartition.partition < 0) fail(`${name}: negative partition index`);
  if (replicas.length === 0 || !isDistinct(replicas) || replicas.some((id) => id < 0)) fail(`${name}: bad replicas [${replicas}]`);
  if (isr.length === 0 || !isDistinct(isr) || isr.some((id) => !replicas.includes(id))) fail(`${name}: bad ISR [${isr}]`);
  if (leaderId !== -1 && !isr.includes(leaderId)) fail(`${name}: leader ${leaderId} not in ISR [${isr}]`);
  if (state.leaderEpoch < 0 || state.partitionEpoch < 0) fail(`${name}: negative epoch`);
  return state;
}

export function checkPartitionTransition(previous: controller.PartitionState | undefined, next: controller.PartitionState): void {
  const name = partitionName(next);
  if (previous === undefined) {
    if (next.leaderEpoch !== 0 || next.partitionEpoch !== 0) fail(`${name}: a new partition starts at epochs 0`);
    return;
  }
  if (previous.topicId !== next.topicId) fail(`${name}: topic id changed`);
  if (next.partitionEpoch !== previous.partitionEpoch + 1) {
    fail(`${name}: partition epoch ${previous.partitionEpoch} -> ${next.partitionEpoch}`);
  }
  const expectedLeaderEpoch = previous.leaderId === next.leaderId ? previous.leaderEpoch : previous.leaderEpoch + 1;
  if (next.leaderEpoch !== expectedLeaderEpoch) {
    fail(`${name}: leader ${previous.leaderId} -> ${next.leaderId} with leader epoch ${previous.leaderEpoch} -> ${next.leaderEpoch}`);
  }
}

export function checkCoordinatorRegistration(
  registration: controller.CoordinatorRegistration | undefined,
): controller.CoordinatorRegistration {
  if (registration === undefined) fail('coordinator registration missing');
  if (!isCoordinatorKind(registration.kind)) fail(`bad coordinator kind ${registration.kind}`);
  if (registration.instanceId < 0) fail(`bad coordinator instance id ${registration.instanceId}`);
  if (registration.endpoint?.nodeId !== registration.instanceId) fail(`coordinator ${registration.instanceId}: endpoint node id differs`);
  return registration;
}

export function checkShardAssignment(shard: controller.CoordinatorShardAssignment, nextProducerId: number): void {
  if (shard.shard < 0) fail(`negative shard index ${shard.shard}`);
  if (shard.instanceId < -1) fail(`shard ${shard.shard}: bad owner ${shard.instanceId}`);
  if (shard.shardEpoch < 0 || shard.shardEpoch > MAX_SHARD_EPOCH) fail(`shard ${shard.shard}: epoch ${shard.shardEpoch} out of range`);
  if (shard.writerProducerId < 0 || shard.writerProducerId >= nextProducerId) {
    fail(`shard ${shard.shard}: writer producer id ${shard.writerProducerId} was never allocated (next ${nextProducerId})`);
  }
}

export function checkShardTransition(
  previous: controller.CoordinatorShardAssignment | undefined,
  next: controller.CoordinatorShardAssignment,
): void {
  if (previous === undefined) {
    if (next.shardEpoch !== 0) fail(`shard ${next.shard}: a new shard starts at epoch 0`);
    return;
  }
  const rolledOver = next.writerProducerId !== previous.writerProducerId;
  if (rolledOver ? next.shardEpoch !== 0 : next.shardEpoch !== previous.shardEpoch + 1) {
    fail(`shard ${next.shard}: epoch ${previous.shardEpoch} -> ${next.shardEpoch} (writer ${previous.writerProducerId} -> ${next.writerProducerId})`);
  }
}
