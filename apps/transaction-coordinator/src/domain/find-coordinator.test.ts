import { describe, expect, it } from 'vitest';
import { ErrorCode, type NodeEndpoint } from '@samsa/proto';
import { findCoordinators, type ShardOwners } from './find-coordinator.js';

const endpoint = (nodeId: number): NodeEndpoint => ({ nodeId, host: '127.0.0.1', port: 9000 + nodeId, rack: '' });

function owners(shardCount: number, ownerOf: (shard: number) => NodeEndpoint | undefined): ShardOwners {
  return { shardCount: () => shardCount, ownerOf };
}

describe('findCoordinators', () => {
  it("maps keys to shards with Kafka's rule (spec §9.1 vectors, 50 shards) and answers the owners", () => {
    const keys = ['a', 'my-group', 'test-group', 'group-1', 'orders-app', 'consumer1', 'polygenelubricants', 'ü', '😀'];
    const response = findCoordinators(keys, owners(50, (shard) => endpoint(shard % 3)));
    expect(response.coordinators.map((result) => result.shardIndex)).toEqual([47, 12, 12, 49, 5, 49, 0, 2, 49]);
    expect(response.coordinators.every((result) => result.errorCode === ErrorCode.NONE)).toBe(true);
    expect(response.coordinators[0]).toEqual({ key: 'a', coordinator: endpoint(47 % 3), shardIndex: 47, errorCode: ErrorCode.NONE, errorMessage: '' });
  });

  it('answers COORDINATOR_NOT_AVAILABLE per key before any shard exists or for an unowned shard', () => {
    const none = findCoordinators(['txn-1'], owners(0, () => endpoint(1))).coordinators[0];
    expect(none).toMatchObject({ key: 'txn-1', errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
    expect(none?.coordinator).toBeUndefined();
    const partlyOwned = findCoordinators(['a', 'group-1'], owners(50, (shard) => (shard === 47 ? endpoint(2) : undefined)));
    expect(partlyOwned.coordinators.map((result) => [result.errorCode, result.shardIndex])).toEqual([
      [ErrorCode.NONE, 47],
      [ErrorCode.COORDINATOR_NOT_AVAILABLE, 49],
    ]);
  });

  it('answers INVALID_REQUEST for an empty key without failing the others', () => {
    const response = findCoordinators(['', 'a'], owners(50, () => endpoint(1)));
    expect(response.coordinators.map((result) => result.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.NONE]);
  });
});
