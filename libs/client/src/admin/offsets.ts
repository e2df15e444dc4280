/**
 * listOffsets and deleteRecords: per-partition requests to each partition's leader, one
 * StorageService call per leader node per round (leader-router.ts). Results come back in request
 * order; a partition listed twice in one call is rejected up front (the leader answers each
 * partition at most once per request).
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode, IsolationLevel, storage } from '@samsa/proto';
import { unary } from '../connection/grpc-call.js';
import type { AdminContext } from './admin-context.js';
import { itemError, valuesOrThrow } from './admin-errors.js';
import type { DeletedRecords, ListedOffset, ListOffsetsOptions, OffsetQuery, OffsetSpec, RecordsToDelete, AdminCallOptions } from './admin-types.js';
import { partitionLabel, routeToLeaders, type PartitionAnswer, type PartitionItem } from './leader-router.js';

/** ListOffsets' timestamp sentinels (storage_types.proto ListOffsetsPartition.timestamp_ms). */
const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;
const MAX_TIMESTAMP = -3;

/** The wire timestamp of an offset spec; throws INVALID_REQUEST for a negative or non-integer timestamp. */
export function specTimestamp(spec: OffsetSpec, label: string): number {
  if (spec === 'latest') return LATEST_TIMESTAMP;
  if (spec === 'earliest') return EARLIEST_TIMESTAMP;
  if (spec === 'maxTimestamp') return MAX_TIMESTAMP;
  if (typeof spec === 'object' && spec !== null && Number.isSafeInteger(spec.timestamp) && spec.timestamp >= 0) return spec.timestamp;
  throw itemError(label, ErrorCode.INVALID_REQUEST, `offset spec must be 'earliest', 'latest', 'maxTimestamp' or { timestamp: ms >= 0 } (got ${JSON.stringify(spec)})`);
}

/** Throws INVALID_REQUEST naming every malformed or repeated partition of `items`. */
export function checkPartitionItems(operation: string, items: readonly PartitionItem[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (typeof item?.topic !== 'string' || item.topic === '' || !Number.isSafeInteger(item.partition) || item.partition < 0) {
      problems.push(`not a topic and partition: ${JSON.stringify(item)}`);
      continue;
    }
    const label = partitionLabel(item);
    if (seen.has(label)) problems.push(`${label} is listed more than once`);
    seen.add(label);
  }
  if (problems.length > 0) throw new SamsaError(ErrorCode.INVALID_REQUEST, `${operation}: ${problems.join('; ')}`);
}

/** Groups partition items of one node request by topic, keeping their order. */
function byTopic<I extends PartitionItem, P>(items: readonly I[], partitionOf: (item: I) => P): Array<{ topic: string; partitions: P[] }> {
  const topics = new Map<string, P[]>();
  for (const item of items) {
    const list = topics.get(item.topic) ?? [];
    list.push(partitionOf(item));
    topics.set(item.topic, list);
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}

/** Finds each answer of a per-topic, per-partition response for `items` (missing → an error answer). */
function answersFor<I extends PartitionItem, P extends { partition: number; errorCode: ErrorCode; errorMessage: string; currentLeader?: storage.LeaderHint | undefined }, R>(
  items: readonly I[],
  topics: ReadonlyArray<{ topic: string; partitions: readonly P[] }>,
  valueOf: (item: I, result: P) => R,
): Array<PartitionAnswer<R>> {
  const results = new Map<string, P>();
  for (const topic of topics) for (const result of topic.partitions) results.set(partitionLabel({ topic: topic.topic, partition: result.partition }), result);
  return items.map((item): PartitionAnswer<R> => {
    const result = results.get(partitionLabel(item));
    if (!result) return { ok: false, error: itemError(partitionLabel(item), ErrorCode.UNKNOWN_SERVER_ERROR, 'the leader did not answer for the partition') };
    if (result.errorCode !== ErrorCode.NONE) return { ok: false, error: itemError(partitionLabel(item), result.errorCode, result.errorMessage), hint: result.currentLeader };
    return { ok: true, value: valueOf(item, result) };
  });
}

interface OffsetItem extends PartitionItem {
  readonly timestamp: number;
}

export async function listOffsets(context: AdminContext, queries: readonly OffsetQuery[], input: ListOffsetsOptions | undefined): Promise<ListedOffset[]> {
  const options = context.options('listOffsets', { isolationLevel: { kind: 'enum', default: 'read_uncommitted', values: ['read_uncommitted', 'read_committed'] } }, input);
  const deadlineMs = context.deadline(options.timeoutMs);
  checkPartitionItems('listOffsets', queries);
  const items = queries.map((query): OffsetItem => ({ topic: query.topic, partition: query.partition, timestamp: specTimestamp(query.spec, partitionLabel(query)) }));
  if (items.length === 0) return [];
  const isolationLevel = options.isolationLevel === 'read_committed' ? IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED : IsolationLevel.ISOLATION_LEVEL_READ_UNCOMMITTED;
  const outcomes = await routeToLeaders(context, items, deadlineMs, async (nodeId, batch, timeoutMs) => {
    const client = context.connection.storage(nodeId);
    const request = storage.ListOffsetsRequest.fromPartial({
      replicaId: -1,
      isolationLevel,
      topics: byTopic(batch, (item) => ({ partition: item.partition, currentLeaderEpoch: -1, timestampMs: item.timestamp })),
    });
    const response = await unary(client, client.listOffsets, request, timeoutMs);
    return answersFor(batch, response.topics, (item, result): ListedOffset => ({
      topic: item.topic,
      partition: item.partition,
      offset: result.offset,
      timestamp: result.timestampMs,
      leaderEpoch: result.leaderEpoch,
    }));
  });
  return valuesOrThrow('listOffsets', queries.map(partitionKey), outcomes, partitionLabel);
}

export async function deleteRecords(context: AdminContext, targets: readonly RecordsToDelete[], input: AdminCallOptions | undefined): Promise<DeletedRecords[]> {
  const options = context.options('deleteRecords', {}, input);
  const deadlineMs = context.deadline(options.timeoutMs);
  checkPartitionItems('deleteRecords', targets);
  const malformed = targets.filter((target) => !Number.isSafeInteger(target.offset) || target.offset < -1);
  if (malformed.length > 0) throw new SamsaError(ErrorCode.INVALID_REQUEST, `deleteRecords: offset must be >= 0 or -1 (the high watermark): ${malformed.map((target) => `${partitionLabel(target)} at ${target.offset}`).join(', ')}`);
  if (targets.length === 0) return [];
  const outcomes = await routeToLeaders(context, targets, deadlineMs, async (nodeId, batch, timeoutMs) => {
    const client = context.connection.storage(nodeId);
    const request = storage.DeleteRecordsRequest.fromPartial({ timeoutMs: context.serverTimeoutMs(timeoutMs), topics: byTopic(batch, (item) => ({ partition: item.partition, offset: item.offset })) });
    const response = await unary(client, client.deleteRecords, request, timeoutMs);
    return answersFor(batch, response.topics, (item, result): DeletedRecords => ({ topic: item.topic, partition: item.partition, lowWatermark: result.lowWatermark }));
  });
  return valuesOrThrow('deleteRecords', targets.map(partitionKey), outcomes, partitionLabel);
}

function partitionKey(item: PartitionItem): { topic: string; partition: number } {
  return { topic: item.topic, partition: item.partition };
}
