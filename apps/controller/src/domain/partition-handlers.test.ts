import { isSamsaError } from '@samsa/common';
import { ErrorCode, controller } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { brokerHeartbeat, controlledShutdown } from './broker-handlers.js';
import { alterPartition, electLeaders } from './partition-handlers.js';
import { ControllerTestContext } from './__tests__/controller-test-context.js';
import { changeReasons, createAssigned, proposeIsr, summary } from './__tests__/fixtures.js';

const { ELECTION_TYPE_PREFERRED: PREFERRED, ELECTION_TYPE_UNCLEAN: UNCLEAN } = controller.ElectionType;

function elect(electionType: controller.ElectionType, partitions: [string, number][] = []): controller.ElectLeadersRequest {
  return controller.ElectLeadersRequest.fromPartial({ electionType, partitions: partitions.map(([topic, partition]) => ({ topic, partition })) });
}

/** Nodes 0..2 active; t-0 = [0,1,2] led by 1 after 0 was fenced and came back into the ISR. */
function movedAway(): ControllerTestContext {
  const ctx = new ControllerTestContext();
  ctx.addBrokers(['a', 'b', 'c']);
  createAssigned(ctx, 't', [[0, 1, 2], [1, 2, 0]]);
  ctx.fence(0);
  ctx.liveBrokerSessions.add(`0/${ctx.epochOf(0)}`);
  ctx.run(brokerHeartbeat, controller.BrokerHeartbeatRequest.fromPartial({ nodeId: 0, brokerEpoch: ctx.epochOf(0), currentMetadataVersion: ctx.image.version }));
  proposeIsr(ctx, 't', 0, [1, 2, 0]);
  proposeIsr(ctx, 't', 1, [1, 2, 0]);
  return ctx;
}

function alter(ctx: ControllerTestContext, nodeId: number, data: Partial<controller.AlterPartitionData>[]): controller.AlterPartitionRequest {
  return controller.AlterPartitionRequest.fromPartial({ nodeId, brokerEpoch: ctx.epochOf(nodeId), partitions: data });
}

function current(ctx: ControllerTestContext, topic: string, partition: number, newIsr: number[]): Partial<controller.AlterPartitionData> {
  const state = ctx.partition(topic, partition);
  return { topicPartition: { topic, partition }, topicId: state.topicId, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, newIsr };
}

describe('electLeaders', () => {
  it('moves leadership back to the preferred replica once it is in sync', () => {
    const ctx = movedAway();
    expect(summary(ctx.partition('t', 0))).toMatchObject({ leader: 1, isr: [1, 2, 0], leaderEpoch: 1 });
    const result = electLeaders(ctx.image, elect(PREFERRED, [['t', 0], ['t', 1]]), ctx.context());
    expect(result.response.results.map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.ELECTION_NOT_NEEDED]);
    expect(changeReasons(result.records)).toEqual([controller.PartitionChangeReason.PARTITION_CHANGE_REASON_PREFERRED_ELECTION]);
    ctx.replay(result.records);
    expect(summary(ctx.partition('t', 0))).toMatchObject({ leader: 0, isr: [1, 2, 0], leaderEpoch: 2 });
    ctx.expectReplayConsistent();
  });

  it('considers every partition led by a non-preferred replica when none are listed', () => {
    const ctx = movedAway();
    const response = ctx.run(electLeaders, elect(PREFERRED));
    expect(response.results).toEqual([{ topicPartition: { topic: 't', partition: 0 }, errorCode: ErrorCode.NONE, errorMessage: '' }]);
    expect(ctx.run(electLeaders, elect(PREFERRED)).results).toEqual([]);
  });

  it('reports PREFERRED_LEADER_NOT_AVAILABLE when the preferred replica is out of the ISR or not active', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 't', [[0, 1]]);
    ctx.fence(0);
    const fenced = electLeaders(ctx.image, elect(PREFERRED, [['t', 0]]), ctx.context());
    expect(fenced.response.results[0]?.errorCode).toBe(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE);
    ctx.run(brokerHeartbeat, controller.BrokerHeartbeatRequest.fromPartial({ nodeId: 0, brokerEpoch: ctx.epochOf(0), currentMetadataVersion: ctx.image.version }));
    const outOfSync = electLeaders(ctx.image, elect(PREFERRED, [['t', 0]]), ctx.context());
    expect(outOfSync).toEqual({ response: { results: [expect.objectContaining({ errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE })] }, records: [] });
  });

  it('elects an out-of-sync live replica for an offline partition on UNCLEAN, whatever the topic config says', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    createAssigned(ctx, 'offline', [[0, 1]]);
    createAssigned(ctx, 'online', [[2]]);
    createAssigned(ctx, 'dead', [[0]]);
    proposeIsr(ctx, 'offline', 0, [0]);
    ctx.fence(0);
    const result = electLeaders(ctx.image, elect(UNCLEAN, [['offline', 0], ['online', 0], ['dead', 0]]), ctx.context());
    expect(result.response.results.map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.ELECTION_NOT_NEEDED, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE]);
    expect(changeReasons(result.records)).toEqual([controller.PartitionChangeReason.PARTITION_CHANGE_REASON_UNCLEAN_ELECTION]);
    ctx.replay(result.records);
    expect(summary(ctx.partition('offline', 0))).toMatchObject({ leader: 1, isr: [1] });
    const all = ctx.run(electLeaders, elect(UNCLEAN));
    expect(all.results.map((r) => [r.topicPartition?.topic, r.errorCode])).toEqual([['dead', ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE]]);
  });

  it('answers unknown and duplicated partitions per item, and rejects a missing election type', () => {
    const ctx = movedAway();
    const result = electLeaders(ctx.image, elect(PREFERRED, [['t', 9], ['nope', 0], ['t', 0], ['t', 0]]), ctx.context());
    expect(result.response.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.DUPLICATE_RESOURCE,
      ErrorCode.DUPLICATE_RESOURCE,
    ]);
    expect(result.records).toEqual([]);
    let caught: unknown;
    try {
      electLeaders(ctx.image, elect(controller.ElectionType.ELECTION_TYPE_UNSPECIFIED), ctx.context());
    } catch (error) {
      caught = error;
    }
    expect(isSamsaError(caught) && caught.code === ErrorCode.INVALID_REQUEST).toBe(true);
  });
});

describe('alterPartition', () => {
  it('applies an ISR change from the leader, bumping only the partition epoch', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    createAssigned(ctx, 't', [[0, 1, 2]]);
    const result = alterPartition(ctx.image, alter(ctx, 0, [current(ctx, 't', 0, [0, 2])]), ctx.context());
    const [item] = result.response.partitions;
    expect(result.response.errorCode).toBe(ErrorCode.NONE);
    expect(item).toMatchObject({ errorCode: ErrorCode.NONE, partition: { isr: [0, 2], leaderId: 0, leaderEpoch: 0, partitionEpoch: 1 } });
    ctx.replay(result.records);
    expect(ctx.partition('t', 0)).toEqual(item?.partition);
    const grown = ctx.run(alterPartition, alter(ctx, 0, [current(ctx, 't', 0, [0, 2, 1])]));
    expect(grown.partitions[0]?.partition).toMatchObject({ isr: [0, 2, 1], partitionEpoch: 2 });
    ctx.expectReplayConsistent();
  });

  it('rejects a stale leader epoch with FENCED_LEADER_EPOCH and a stale partition epoch with INVALID_UPDATE_VERSION', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    createAssigned(ctx, 't', [[0, 1, 2]]);
    const first = current(ctx, 't', 0, [0, 1]);
    const racing = current(ctx, 't', 0, [0, 2]);
    expect(ctx.run(alterPartition, alter(ctx, 0, [first])).partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    const lost = alterPartition(ctx.image, alter(ctx, 0, [racing]), ctx.context());
    expect(lost.response.partitions[0]).toMatchObject({ errorCode: ErrorCode.INVALID_UPDATE_VERSION, partition: { isr: [0, 1], partitionEpoch: 1 } });
    expect(lost.records).toEqual([]);
    const stale = alterPartition(ctx.image, alter(ctx, 0, [{ ...current(ctx, 't', 0, [0]), leaderEpoch: 5 }]), ctx.context());
    expect(stale.response.partitions[0]?.errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH);
  });

  it('only accepts the leader, with an ISR that holds it and only active replicas', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c', 'd']);
    createAssigned(ctx, 't', [[0, 1, 2]]);
    ctx.run(controlledShutdown, controller.ControlledShutdownRequest.fromPartial({ nodeId: 2, brokerEpoch: ctx.epochOf(2) }));
    const notLeader = alterPartition(ctx.image, alter(ctx, 1, [current(ctx, 't', 0, [1])]), ctx.context());
    expect(notLeader.response.partitions[0]?.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const proposals = [[1], [], [0, 0], [0, 3], [0, 2], [0, 7]].map((isr) => alterPartition(ctx.image, alter(ctx, 0, [current(ctx, 't', 0, isr)]), ctx.context()));
    expect(proposals.map((p) => p.response.partitions[0]?.errorCode)).toEqual([
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INELIGIBLE_REPLICA,
      ErrorCode.INELIGIBLE_REPLICA,
      ErrorCode.INELIGIBLE_REPLICA,
    ]);
    ctx.fence(1);
    const fencedMember = alterPartition(ctx.image, alter(ctx, 0, [current(ctx, 't', 0, [0, 1])]), ctx.context());
    expect(fencedMember.response.partitions[0]?.errorCode).toBe(ErrorCode.INELIGIBLE_REPLICA);
  });

  it('answers unknown partitions without state, wrong topic ids, duplicates, and an unchanged ISR', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 't', [[0, 1]]);
    const result = alterPartition(
      ctx.image,
      alter(ctx, 0, [
        { topicPartition: { topic: 't', partition: 3 }, newIsr: [0] },
        { ...current(ctx, 't', 0, [0]), topicId: 'other-id' },
      ]),
      ctx.context(),
    );
    expect(result.response.partitions.map((p) => [p.errorCode, p.partition === undefined])).toEqual([
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, true],
      [ErrorCode.UNKNOWN_TOPIC_ID, false],
    ]);
    const dup = alterPartition(ctx.image, alter(ctx, 0, [current(ctx, 't', 0, [0]), current(ctx, 't', 0, [0])]), ctx.context());
    expect(dup.response.partitions.map((p) => p.errorCode)).toEqual([ErrorCode.DUPLICATE_RESOURCE, ErrorCode.DUPLICATE_RESOURCE]);
    const same = alterPartition(ctx.image, alter(ctx, 0, [current(ctx, 't', 0, [0, 1])]), ctx.context());
    expect(same).toEqual({ response: expect.objectContaining({ partitions: [expect.objectContaining({ errorCode: ErrorCode.NONE })] }), records: [] });
  });

  it('checks the sender session before anything else', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    createAssigned(ctx, 't', [[0]]);
    const stale = alterPartition(ctx.image, { ...alter(ctx, 0, [current(ctx, 't', 0, [0])]), brokerEpoch: 1 }, ctx.context());
    expect(stale.response).toEqual({ errorCode: ErrorCode.STALE_BROKER_EPOCH, errorMessage: expect.any(String), partitions: [] });
    const unknown = alterPartition(ctx.image, { ...alter(ctx, 0, []), nodeId: 42 }, ctx.context());
    expect(unknown.response.errorCode).toBe(ErrorCode.BROKER_ID_NOT_REGISTERED);
  });
});
