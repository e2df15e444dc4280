/**
 * ElectLeaders and AlterPartition: per-partition results, successful changes in one batch.
 *
 * ElectLeaders PREFERRED moves leadership to the first replica when it is ACTIVE and in the ISR;
 * UNCLEAN gives an offline partition the first in-sync eligible replica, else the first eligible
 * replica at all (ISR reset to it), whatever the topic's unclean.leader.election.enable says.
 *
 * AlterPartition is the leader's ISR proposal (spec/kafka-facts.md §6.4), checked in Kafka's
 * order: the partition exists, the topic id matches, the leader epoch is current
 * (FENCED_LEADER_EPOCH), the sender is the leader (NOT_LEADER_OR_FOLLOWER), the partition epoch is
 * current (INVALID_UPDATE_VERSION, Kafka's code for a lost race between ISR changes), the new ISR
 * is non-empty, without repeats and contains the sender (INVALID_REQUEST), every other member is an
 * ACTIVE replica (INELIGIBLE_REPLICA). Success bumps the partition epoch only; a proposal equal to
 * the current ISR writes nothing. Every result carries the partition's state after the request.
 */
import { ErrorCode, controller } from '@samsa/proto';
import type { PartitionError, TopicPartition } from '@samsa/proto';
import type { MetadataImage } from '@samsa/cluster-metadata';
import { type CommandContext, type ControllerResult, checkBrokerSession, checkContext, duplicatedKeys, invalidRequest } from './command.js';
import { electLeader, NO_LEADER, nextPartitionState, partitionChangedRecord } from './partition-change.js';
import { itemError, type ItemError } from './topic-creation.js';

const Reason = controller.PartitionChangeReason;
const { ELECTION_TYPE_PREFERRED: PREFERRED, ELECTION_TYPE_UNCLEAN: UNCLEAN } = controller.ElectionType;

/** The code for a stale partition epoch with a current leader epoch (Kafka's INVALID_UPDATE_VERSION). */
export const STALE_PARTITION_EPOCH = ErrorCode.INVALID_UPDATE_VERSION;

function keyOf(topicPartition: TopicPartition | undefined): string {
  return `${topicPartition?.topic ?? ''}\u0000${topicPartition?.partition ?? -1}`;
}

function needsElection(type: controller.ElectionType, state: controller.PartitionState): boolean {
  return type === PREFERRED ? state.leaderId !== state.replicas[0] : state.leaderId === NO_LEADER;
}

function elect(image: MetadataImage, type: controller.ElectionType, state: controller.PartitionState): controller.MetadataRecord | ItemError {
  if (!needsElection(type, state)) {
    return itemError(ErrorCode.ELECTION_NOT_NEEDED, type === PREFERRED ? 'the preferred replica already leads' : 'the partition has a leader');
  }
  if (type === PREFERRED) {
    const preferred = state.replicas[0] ?? NO_LEADER;
    if (!image.isActive(preferred) || !state.isr.includes(preferred)) {
      return itemError(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, `preferred replica ${preferred} is not active or not in the ISR`);
    }
    const next = nextPartitionState(state, { leaderId: preferred, isr: state.isr });
    return next === undefined ? itemError(ErrorCode.ELECTION_NOT_NEEDED, '') : partitionChangedRecord(next, Reason.PARTITION_CHANGE_REASON_PREFERRED_ELECTION);
  }
  const election = electLeader(state.replicas, state.isr, (id) => image.isActive(id), true);
  const next = election.leaderId === NO_LEADER ? undefined : nextPartitionState(state, election);
  if (next === undefined) return itemError(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, 'no replica of the partition is on an active node');
  return partitionChangedRecord(next, election.unclean ? Reason.PARTITION_CHANGE_REASON_UNCLEAN_ELECTION : Reason.PARTITION_CHANGE_REASON_BROKER_UNFENCED);
}

export function electLeaders(
  image: MetadataImage,
  request: controller.ElectLeadersRequest,
  context: CommandContext,
): ControllerResult<controller.ElectLeadersResponse> {
  checkContext(image, context);
  const type = request.electionType;
  if (type !== PREFERRED && type !== UNCLEAN) throw invalidRequest(`election_type must be PREFERRED or UNCLEAN, got ${type}`);
  const partitions =
    request.partitions.length > 0
      ? request.partitions
      : image.topics().flatMap((topic) => topic.partitions.filter((state) => needsElection(type, state)).map((state) => state.topicPartition as TopicPartition));
  const duplicated = duplicatedKeys(partitions.map(keyOf));
  const records: controller.MetadataRecord[] = [];
  const results = partitions.map((topicPartition): PartitionError => {
    const result = (error: ItemError): PartitionError => ({ topicPartition: { ...topicPartition }, ...error });
    if (duplicated.has(keyOf(topicPartition))) return result(itemError(ErrorCode.DUPLICATE_RESOURCE, 'the partition is listed more than once'));
    const state = image.partition(topicPartition.topic, topicPartition.partition);
    if (state === undefined) return result(itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topicPartition.topic}-${topicPartition.partition} does not exist`));
    const outcome = elect(image, type, state);
    if ('errorCode' in outcome) return result(outcome);
    records.push(outcome);
    return result(itemError(ErrorCode.NONE, ''));
  });
  return { response: { results }, records };
}

function checkProposal(image: MetadataImage, nodeId: number, data: controller.AlterPartitionData, state: controller.PartitionState): ItemError | undefined {
  const name = `${data.topicPartition?.topic}-${data.topicPartition?.partition}`;
  if (data.topicId !== '' && data.topicId !== state.topicId) return itemError(ErrorCode.UNKNOWN_TOPIC_ID, `${name} has topic id ${state.topicId}, not ${data.topicId}`);
  if (data.leaderEpoch !== state.leaderEpoch) {
    return itemError(ErrorCode.FENCED_LEADER_EPOCH, `${name}: leader epoch ${data.leaderEpoch} is not the current ${state.leaderEpoch}`);
  }
  if (state.leaderId !== nodeId) return itemError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `${name} is led by ${state.leaderId}, not ${nodeId}`);
  if (data.partitionEpoch !== state.partitionEpoch) {
    return itemError(STALE_PARTITION_EPOCH, `${name}: partition epoch ${data.partitionEpoch} is not the current ${state.partitionEpoch}`);
  }
  const isr = data.newIsr;
  if (isr.length === 0 || !isr.includes(nodeId) || new Set(isr).size !== isr.length) {
    return itemError(ErrorCode.INVALID_REQUEST, `${name}: the new ISR [${isr}] must list the leader ${nodeId} and no node twice`);
  }
  const ineligible = isr.find((id) => id !== nodeId && (!state.replicas.includes(id) || !image.isActive(id)));
  if (ineligible !== undefined) return itemError(ErrorCode.INELIGIBLE_REPLICA, `${name}: node ${ineligible} is not an active replica`);
  return undefined;
}

export function alterPartition(
  image: MetadataImage,
  request: controller.AlterPartitionRequest,
  context: CommandContext,
): ControllerResult<controller.AlterPartitionResponse> {
  checkContext(image, context);
  const session = checkBrokerSession(image, request.nodeId, request.brokerEpoch);
  if (session.errorCode !== ErrorCode.NONE) return { response: { ...session, partitions: [] }, records: [] };
  const duplicated = duplicatedKeys(request.partitions.map((data) => keyOf(data.topicPartition)));
  const records: controller.MetadataRecord[] = [];
  const partitions = request.partitions.map((data): controller.AlterPartitionResult => {
    const topicPartition = data.topicPartition ?? { topic: '', partition: -1 };
    const state = image.partition(topicPartition.topic, topicPartition.partition);
    const result = (error: ItemError, partition = state): controller.AlterPartitionResult => ({ topicPartition: { ...topicPartition }, ...error, partition });
    if (duplicated.has(keyOf(data.topicPartition))) return result(itemError(ErrorCode.DUPLICATE_RESOURCE, 'the partition is listed more than once'));
    if (state === undefined) {
      return result(itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topicPartition.topic}-${topicPartition.partition} does not exist`));
    }
    const problem = checkProposal(image, request.nodeId, data, state);
    if (problem !== undefined) return result(problem);
    const next = nextPartitionState(state, { leaderId: state.leaderId, isr: data.newIsr });
    if (next === undefined) return result(itemError(ErrorCode.NONE, ''));
    records.push(partitionChangedRecord(next, Reason.PARTITION_CHANGE_REASON_ALTER_PARTITION));
    return result(itemError(ErrorCode.NONE, ''), next);
  });
  return { response: { errorCode: ErrorCode.NONE, errorMessage: '', partitions }, records };
}
