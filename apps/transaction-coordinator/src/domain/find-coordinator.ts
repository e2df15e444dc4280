/**
 * FindCoordinator for transactional ids: a key's shard is `Utils.abs(javaStringHash(key)) %
 * shardCount` (spec/kafka-facts.md §8.1, §9.1) and its coordinator is the instance that owns that
 * shard in the cluster metadata. Results come one per key, in request order; a key never fails
 * the others.
 *
 * Per key: an empty key is INVALID_REQUEST; no shards yet (the `__transaction_state` topic does
 * not exist) or a shard without a live owner is COORDINATOR_NOT_AVAILABLE (retriable).
 */
import { coordinatorShardOf } from '@samsa/cluster-metadata';
import { ErrorCode, type NodeEndpoint, type transaction } from '@samsa/proto';

/** Who serves each shard, as far as this instance knows. */
export interface ShardOwners {
  /** Number of shards (partitions of `__transaction_state`); 0 before the topic exists. */
  shardCount(): number;
  /** The endpoint of the live instance owning `shard`, or undefined. */
  ownerOf(shard: number): NodeEndpoint | undefined;
}

export function findCoordinators(keys: readonly string[], owners: ShardOwners): transaction.FindCoordinatorResponse {
  const shardCount = owners.shardCount();
  const failed = (key: string, shardIndex: number, errorCode: ErrorCode, errorMessage: string): transaction.FindCoordinatorResult => ({ key, shardIndex, errorCode, errorMessage });
  const coordinators = keys.map((key): transaction.FindCoordinatorResult => {
    if (key === '') return failed(key, -1, ErrorCode.INVALID_REQUEST, 'the transactional id must not be empty');
    if (shardCount < 1) return failed(key, -1, ErrorCode.COORDINATOR_NOT_AVAILABLE, 'no transaction coordinator shards exist yet');
    const shardIndex = coordinatorShardOf(key, shardCount);
    const owner = owners.ownerOf(shardIndex);
    if (!owner) return failed(key, shardIndex, ErrorCode.COORDINATOR_NOT_AVAILABLE, `shard ${shardIndex} has no live coordinator`);
    return { key, coordinator: { ...owner }, shardIndex, errorCode: ErrorCode.NONE, errorMessage: '' };
  });
  return { coordinators };
}
