import { SamsaError, silentLogger } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import type { ClusterView, PartitionInfo } from '../connection/cluster-metadata.js';
import type { Connection } from '../connection/connection.js';
import { AdminContext } from './admin-context.js';
import { planRoutes, routeToLeaders, type PartitionAnswer } from './leader-router.js';

function partition(topic: string, index: number, leaderId: number): PartitionInfo {
  return { topic, partition: index, leaderId, leaderEpoch: 0, replicas: [leaderId], isr: [leaderId], offlineReplicas: [] };
}

function view(leaders: Record<string, number[]>): ClusterView {
  const nodes = new Map([1, 2].map((nodeId) => [nodeId, { nodeId, host: '127.0.0.1', port: 9000 + nodeId, rack: '', address: `127.0.0.1:${9000 + nodeId}` }]));
  const topics = new Map(Object.entries(leaders).map(([name, list]) => [name, { name, topicId: name, isInternal: false, partitions: list.map((leader, index) => partition(name, index, leader)) }]));
  return { clusterId: 'c', nodes, topics, controller: undefined, transactionCoordinators: [], groupCoordinators: [] };
}

describe('planRoutes', () => {
  it('groups by leader and separates unknown and leaderless partitions', () => {
    const items = [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }, { topic: 'a', partition: 5 }, { topic: 'zz', partition: 0 }, { topic: 'b', partition: 1 }];
    const plan = planRoutes(view({ a: [1, 2], b: [1, -1] }), items, [0, 1, 2, 3, 4, 5]);
    expect([...plan.byLeader]).toEqual([[1, [0, 2]], [2, [1]]]);
    expect([...plan.failed.keys()]).toEqual([3, 4]);
    expect(plan.failed.get(4)?.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(plan.failed.get(3)?.message).toBe('a-5: topic a has 2 partition(s)');
    expect(plan.leaderless.get(5)?.code).toBe(ErrorCode.LEADER_NOT_AVAILABLE);
  });
});

/** A Connection stand-in: a fixed view, instant sleeps, hint application recorded. */
function fakeContext(current: ClusterView, requestTimeoutMs = 1000) {
  const hints: number[] = [];
  const connection = {
    config: { requestTimeoutMs, retryBackoffMs: 1, retryBackoffMaxMs: 2 },
    metadata: async () => current,
    applyLeaderHint: (_topic: string, _partition: number, hint?: { leaderId: number }) => {
      if (hint) hints.push(hint.leaderId);
      return hint !== undefined;
    },
    sleep: async () => undefined,
    invalidate: () => undefined,
  } as unknown as Connection;
  return { context: new AdminContext(connection, silentLogger), hints };
}

describe('routeToLeaders', () => {
  it('retries partitions answered with a retriable error and settles the rest in item order', async () => {
    const { context, hints } = fakeContext(view({ a: [1, 2] }));
    const calls: Array<[number, number[]]> = [];
    const items = [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'nope', partition: 0 }];
    const outcomes = await routeToLeaders(context, items, Date.now() + 5000, async (nodeId, batch): Promise<Array<PartitionAnswer<string>>> => {
      calls.push([nodeId, batch.map((item) => item.partition)]);
      if (nodeId === 2 && calls.filter(([node]) => node === 2).length === 1) {
        return [{ ok: false, error: new SamsaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'moved'), hint: { leaderId: 2, leaderEpoch: 1, leaderEndpoint: undefined } }];
      }
      if (nodeId === 1) return [{ ok: false, error: new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, 'too far') }];
      return batch.map((item) => ({ ok: true, value: `${item.topic}-${item.partition}@${nodeId}` }));
    });
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: ErrorCode.OFFSET_OUT_OF_RANGE, message: 'a-0: too far' } });
    expect(outcomes[1]).toEqual({ ok: true, value: 'a-1@2' });
    expect(outcomes[2]).toMatchObject({ ok: false, error: { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION } });
    expect(hints).toEqual([2]);
    expect(calls.filter(([node]) => node === 1)).toHaveLength(1);
  });

  it('fails partitions still unanswered at the deadline with their last error, named', async () => {
    const { context } = fakeContext(view({ a: [1] }));
    const outcomes = await routeToLeaders(context, [{ topic: 'a', partition: 0 }], Date.now() + 50, async () => {
      throw new SamsaError(ErrorCode.NETWORK_EXCEPTION, 'connection refused', { retriable: true });
    });
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: ErrorCode.NETWORK_EXCEPTION, message: 'a-0: connection refused' } });
  });
});
