import { isSamsaError } from '@samsa/common';
import { ErrorCode, controller } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { brokerHeartbeat, controlledShutdown, fenceBroker, registerBroker } from './broker-handlers.js';
import { CLUSTER_ID, ControllerTestContext, incarnation } from './__tests__/controller-test-context.js';
import { cases, changeReasons, createAssigned, proposeIsr, summary } from './__tests__/fixtures.js';

const { BROKER_STATE_FENCED: FENCED, BROKER_STATE_ACTIVE: ACTIVE, BROKER_STATE_SHUTTING_DOWN: SHUTTING_DOWN } = controller.BrokerState;
const Reason = controller.PartitionChangeReason;

function registration(nodeId: number, fields: Partial<controller.RegisterBrokerRequest> = {}): controller.RegisterBrokerRequest {
  return controller.RegisterBrokerRequest.fromPartial({
    nodeId,
    incarnationId: incarnation(nodeId),
    listeners: [{ name: 'internal', host: 'localhost', port: 9092 }],
    ...fields,
  });
}

function heartbeat(ctx: ControllerTestContext, nodeId: number, fields: Partial<controller.BrokerHeartbeatRequest> = {}): controller.BrokerHeartbeatRequest {
  return controller.BrokerHeartbeatRequest.fromPartial({ nodeId, brokerEpoch: ctx.epochOf(nodeId), currentMetadataVersion: ctx.image.version, ...fields });
}

function expectInvalid(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(isSamsaError(error) && error.code === ErrorCode.INVALID_REQUEST).toBe(true);
    return;
  }
  throw new Error('expected INVALID_REQUEST');
}

describe('registerBroker', () => {
  it('registers a new node fenced, with the version of its record as broker epoch', () => {
    const ctx = new ControllerTestContext();
    const expectedEpoch = ctx.image.version + 1;
    const response = ctx.run(registerBroker, registration(4, { rack: 'r1', clusterId: CLUSTER_ID }));
    expect(response).toMatchObject({ errorCode: ErrorCode.NONE, brokerEpoch: expectedEpoch, clusterId: CLUSTER_ID, heartbeatIntervalMs: 2000, sessionTimeoutMs: 9000 });
    expect(ctx.image.broker(4)).toMatchObject({ state: FENCED, registration: { brokerEpoch: expectedEpoch, rack: 'r1' } });
  });

  it('answers a retry by the same incarnation with the same epoch and writes nothing', () => {
    const ctx = new ControllerTestContext();
    const epoch = ctx.registerBroker(1);
    const result = registerBroker(ctx.image, registration(1, { incarnationId: incarnation(1) }), ctx.context());
    expect(result.records).toEqual([]);
    expect(result.response.brokerEpoch).toBe(epoch);
  });

  it('refuses a new incarnation while the old session is live, and replaces it once the session lapsed', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 't', [[0, 1]]);
    const oldEpoch = ctx.epochOf(0);
    const duplicate = registerBroker(ctx.image, registration(0, { incarnationId: incarnation(0, 2) }), ctx.context());
    expect(duplicate).toEqual({ response: expect.objectContaining({ errorCode: ErrorCode.DUPLICATE_BROKER_REGISTRATION, brokerEpoch: -1 }), records: [] });

    ctx.liveBrokerSessions.clear();
    const stamped = ctx.replay(registerBroker(ctx.image, registration(0, { incarnationId: incarnation(0, 2) }), ctx.context()).records);
    expect(cases(stamped)).toEqual(['brokerRegistered', 'partitionChanged']);
    expect(ctx.epochOf(0)).toBe(stamped[0]?.version);
    expect(ctx.epochOf(0)).toBeGreaterThan(oldEpoch);
    expect(ctx.image.broker(0)?.state).toBe(FENCED);
    expect(summary(ctx.partition('t', 0))).toEqual({ leader: 1, isr: [1], leaderEpoch: 1, partitionEpoch: 1 });
    ctx.expectReplayConsistent();
  });

  it('rejects a node of another cluster', () => {
    const ctx = new ControllerTestContext();
    const result = registerBroker(ctx.image, registration(1, { clusterId: 'another' }), ctx.context());
    expect(result.response).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, brokerEpoch: -1, clusterId: CLUSTER_ID });
    expect(result.records).toEqual([]);
  });

  it('rejects malformed registrations as INVALID_REQUEST', () => {
    const ctx = new ControllerTestContext();
    expectInvalid(() => registerBroker(ctx.image, registration(-1), ctx.context()));
    expectInvalid(() => registerBroker(ctx.image, registration(1, { incarnationId: '' }), ctx.context()));
    expectInvalid(() => registerBroker(ctx.image, registration(1, { listeners: [] }), ctx.context()));
    const twice = [{ name: 'a', host: 'h', port: 1 }, { name: 'a', host: 'h', port: 2 }];
    expectInvalid(() => registerBroker(ctx.image, registration(1, { listeners: twice }), ctx.context()));
    expectInvalid(() => registerBroker(ctx.image, registration(1, { listeners: [{ name: 'a', host: 'h', port: 0 }] }), ctx.context()));
  });

  it('refuses to run against a stale image', () => {
    const ctx = new ControllerTestContext();
    expect(() => registerBroker(ctx.image, registration(1), { ...ctx.context(), nextVersion: ctx.image.version + 2 })).toThrow(/does not follow/);
  });
});

describe('brokerHeartbeat', () => {
  it('rejects unknown nodes and stale epochs', () => {
    const ctx = new ControllerTestContext();
    ctx.registerBroker(1);
    expect(ctx.run(brokerHeartbeat, heartbeat(ctx, 1, { nodeId: 7 })).errorCode).toBe(ErrorCode.BROKER_ID_NOT_REGISTERED);
    expect(ctx.run(brokerHeartbeat, heartbeat(ctx, 1, { brokerEpoch: 1 })).errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
  });

  it('keeps a node fenced until it has caught up to its registration, then unfences it', () => {
    const ctx = new ControllerTestContext();
    const epoch = ctx.registerBroker(1);
    const behind = brokerHeartbeat(ctx.image, heartbeat(ctx, 1, { currentMetadataVersion: epoch - 1 }), ctx.context());
    expect(behind).toEqual({ response: expect.objectContaining({ isCaughtUp: false, isFenced: true }), records: [] });
    const response = ctx.run(brokerHeartbeat, heartbeat(ctx, 1, { currentMetadataVersion: epoch }));
    expect(response).toMatchObject({ errorCode: ErrorCode.NONE, isCaughtUp: true, isFenced: false, shouldShutdown: false, metadataVersion: ctx.image.version });
    expect(ctx.image.broker(1)?.state).toBe(ACTIVE);
    const again = brokerHeartbeat(ctx.image, heartbeat(ctx, 1), ctx.context());
    expect(again.records).toEqual([]);
  });

  it('gives offline partitions whose ISR holds the node a leader again when it is unfenced', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 'single', [[0]]);
    createAssigned(ctx, 'double', [[0, 1]]);
    ctx.fence(0);
    expect(summary(ctx.partition('single', 0))).toEqual({ leader: -1, isr: [0], leaderEpoch: 1, partitionEpoch: 1 });
    const result = brokerHeartbeat(ctx.image, heartbeat(ctx, 0), ctx.context());
    expect(changeReasons(result.records)).toEqual([Reason.PARTITION_CHANGE_REASON_BROKER_UNFENCED]);
    ctx.replay(result.records);
    expect(summary(ctx.partition('single', 0))).toEqual({ leader: 0, isr: [0], leaderEpoch: 2, partitionEpoch: 2 });
    expect(summary(ctx.partition('double', 0))).toEqual({ leader: 1, isr: [1], leaderEpoch: 1, partitionEpoch: 1 });
    ctx.expectReplayConsistent();
  });

  it('elects an out-of-sync returning node only where the topic allows unclean election', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 'unclean', [[0, 1]], [{ name: 'unclean.leader.election.enable', value: 'true' }]);
    createAssigned(ctx, 'clean', [[0, 1]]);
    ctx.fence(1);
    ctx.fence(0);
    ctx.replay(registerBroker(ctx.image, registration(1, { incarnationId: incarnation(1, 2) }), ctx.context()).records);
    const result = brokerHeartbeat(ctx.image, heartbeat(ctx, 1), ctx.context());
    expect(changeReasons(result.records)).toEqual([Reason.PARTITION_CHANGE_REASON_UNCLEAN_ELECTION]);
    ctx.replay(result.records);
    expect(summary(ctx.partition('unclean', 0))).toMatchObject({ leader: 1, isr: [1] });
    expect(summary(ctx.partition('clean', 0))).toMatchObject({ leader: -1, isr: [0] });
  });

  it('fences a node that asks for it, moving its leaderships', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 't', [[0, 1]]);
    const result = brokerHeartbeat(ctx.image, heartbeat(ctx, 0, { wantFence: true }), ctx.context());
    expect(result.response).toMatchObject({ isFenced: true, shouldShutdown: false });
    const fenced = result.records[0]?.payload;
    expect(fenced?.$case === 'brokerFenced' && fenced.brokerFenced.reason).toBe(controller.BrokerFenceReason.BROKER_FENCE_REASON_REQUESTED);
    ctx.replay(result.records);
    expect(result.response.metadataVersion).toBe(ctx.image.version);
    expect(summary(ctx.partition('t', 0))).toMatchObject({ leader: 1, isr: [1] });
  });

  it('starts controlled shutdown on want_shutdown and says when to stop', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 't', [[0, 1], [1, 0]]);
    const result = brokerHeartbeat(ctx.image, heartbeat(ctx, 0, { wantShutdown: true }), ctx.context());
    expect(cases(result.records)).toEqual(['brokerControlledShutdown', 'partitionChanged', 'partitionChanged']);
    expect(result.response).toMatchObject({ isFenced: false, shouldShutdown: true });
    ctx.replay(result.records);
    expect(ctx.image.broker(0)?.state).toBe(SHUTTING_DOWN);
    expect(summary(ctx.partition('t', 0))).toMatchObject({ leader: 1, isr: [1] });
    expect(summary(ctx.partition('t', 1))).toMatchObject({ leader: 1, isr: [1] });
    const later = brokerHeartbeat(ctx.image, heartbeat(ctx, 0), ctx.context());
    expect(later).toEqual({ response: expect.objectContaining({ shouldShutdown: true }), records: [] });
  });

  it('lets a fenced node that wants to shut down stop at once, without unfencing it', () => {
    const ctx = new ControllerTestContext();
    ctx.registerBroker(1);
    const result = brokerHeartbeat(ctx.image, heartbeat(ctx, 1, { wantShutdown: true }), ctx.context());
    expect(result).toEqual({ response: expect.objectContaining({ isFenced: true, shouldShutdown: true }), records: [] });
  });
});

describe('controlledShutdown', () => {
  it('moves leadership to the next in-sync replica and drops the node from every ISR', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    createAssigned(ctx, 't', [[0, 1, 2], [1, 0, 2]]);
    const request = controller.ControlledShutdownRequest.fromPartial({ nodeId: 0, brokerEpoch: ctx.epochOf(0) });
    const result = controlledShutdown(ctx.image, request, ctx.context());
    expect(result.response).toEqual({ errorCode: ErrorCode.NONE, errorMessage: '', remainingPartitions: [], unmovablePartitions: [] });
    expect(changeReasons(result.records)).toEqual([Reason.PARTITION_CHANGE_REASON_BROKER_SHUTTING_DOWN, Reason.PARTITION_CHANGE_REASON_BROKER_SHUTTING_DOWN]);
    ctx.replay(result.records);
    expect(summary(ctx.partition('t', 0))).toEqual({ leader: 1, isr: [1, 2], leaderEpoch: 1, partitionEpoch: 1 });
    expect(summary(ctx.partition('t', 1))).toEqual({ leader: 1, isr: [1, 2], leaderEpoch: 0, partitionEpoch: 1 });
    expect(controlledShutdown(ctx.image, request, ctx.context()).records).toEqual([]);
    ctx.expectReplayConsistent();
  });

  it('reports partitions with no other eligible ISR member as unmovable and keeps leading them', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 'single', [[0]]);
    createAssigned(ctx, 'double', [[0, 1]]);
    ctx.fence(1);
    const response = ctx.run(controlledShutdown, controller.ControlledShutdownRequest.fromPartial({ nodeId: 0, brokerEpoch: ctx.epochOf(0) }));
    expect(response.remainingPartitions).toEqual([]);
    expect(response.unmovablePartitions).toEqual([{ topic: 'double', partition: 0 }, { topic: 'single', partition: 0 }]);
    expect(summary(ctx.partition('single', 0))).toMatchObject({ leader: 0, isr: [0] });
    expect(summary(ctx.partition('double', 0))).toMatchObject({ leader: 0, isr: [0] });
    expect(ctx.image.broker(0)?.state).toBe(SHUTTING_DOWN);
  });

  it('moves at most maxPartitionChangesPerBatch partitions per step and reports the rest as remaining', () => {
    const ctx = new ControllerTestContext({ maxPartitionChangesPerBatch: 2 });
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 't', [[0, 1], [0, 1], [0, 1], [0, 1], [0, 1]]);
    const request = (): controller.ControlledShutdownRequest => controller.ControlledShutdownRequest.fromPartial({ nodeId: 0, brokerEpoch: ctx.epochOf(0) });
    expect(ctx.run(controlledShutdown, request()).remainingPartitions).toHaveLength(3);
    expect(ctx.run(controlledShutdown, request()).remainingPartitions).toEqual([{ topic: 't', partition: 4 }]);
    expect(ctx.run(controlledShutdown, request()).remainingPartitions).toEqual([]);
    expect(ctx.image.topic('t')?.partitions.every((state) => state.leaderId === 1)).toBe(true);
  });

  it('answers session errors, and lets a fenced node stop at once', () => {
    const ctx = new ControllerTestContext();
    ctx.registerBroker(1);
    const stale = controlledShutdown(ctx.image, controller.ControlledShutdownRequest.fromPartial({ nodeId: 1, brokerEpoch: 99 }), ctx.context());
    expect(stale.response.errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
    const unknown = controlledShutdown(ctx.image, controller.ControlledShutdownRequest.fromPartial({ nodeId: 5 }), ctx.context());
    expect(unknown.response.errorCode).toBe(ErrorCode.BROKER_ID_NOT_REGISTERED);
    const fenced = controlledShutdown(ctx.image, controller.ControlledShutdownRequest.fromPartial({ nodeId: 1, brokerEpoch: ctx.epochOf(1) }), ctx.context());
    expect(fenced).toEqual({ response: expect.objectContaining({ errorCode: ErrorCode.NONE, remainingPartitions: [] }), records: [] });
  });
});

describe('fenceBroker', () => {
  it('elects the new leader in replica preference order, not ISR order, and bumps both epochs', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    createAssigned(ctx, 't', [[0, 1, 2], [2, 0, 1]]);
    proposeIsr(ctx, 't', 0, [0, 2, 1]);
    const result = fenceBroker(ctx.image, 0, controller.BrokerFenceReason.BROKER_FENCE_REASON_SESSION_EXPIRED);
    expect(result.response).toEqual({ fenced: true, offlinePartitions: [] });
    expect(changeReasons(result.records)).toEqual([Reason.PARTITION_CHANGE_REASON_BROKER_FENCED, Reason.PARTITION_CHANGE_REASON_BROKER_FENCED]);
    ctx.replay(result.records);
    expect(summary(ctx.partition('t', 0))).toEqual({ leader: 1, isr: [2, 1], leaderEpoch: 1, partitionEpoch: 2 });
    expect(summary(ctx.partition('t', 1))).toEqual({ leader: 2, isr: [2, 1], leaderEpoch: 0, partitionEpoch: 1 });
    ctx.expectPartitionInvariants();
  });

  it('never empties an ISR: the last member stays and the partition goes offline', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 't', [[0, 1]]);
    proposeIsr(ctx, 't', 0, [0]);
    const result = fenceBroker(ctx.image, 0, controller.BrokerFenceReason.BROKER_FENCE_REASON_SESSION_EXPIRED);
    expect(result.response.offlinePartitions).toEqual([{ topic: 't', partition: 0 }]);
    ctx.replay(result.records);
    expect(summary(ctx.partition('t', 0))).toEqual({ leader: -1, isr: [0], leaderEpoch: 1, partitionEpoch: 2 });
  });

  it('elects an out-of-sync replica only when the topic enables unclean election', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    createAssigned(ctx, 'unclean', [[0, 1]], [{ name: 'unclean.leader.election.enable', value: 'true' }]);
    createAssigned(ctx, 'clean', [[0, 1]]);
    proposeIsr(ctx, 'unclean', 0, [0]);
    proposeIsr(ctx, 'clean', 0, [0]);
    const result = fenceBroker(ctx.image, 0, controller.BrokerFenceReason.BROKER_FENCE_REASON_SESSION_EXPIRED);
    expect(changeReasons(result.records)).toEqual([Reason.PARTITION_CHANGE_REASON_BROKER_FENCED, Reason.PARTITION_CHANGE_REASON_UNCLEAN_ELECTION]);
    expect(result.response.offlinePartitions).toEqual([{ topic: 'clean', partition: 0 }]);
    ctx.replay(result.records);
    expect(summary(ctx.partition('unclean', 0))).toMatchObject({ leader: 1, isr: [1], leaderEpoch: 1 });
    expect(summary(ctx.partition('clean', 0))).toMatchObject({ leader: -1, isr: [0] });
  });

  it('does nothing for an unknown or already fenced node, or a registration that changed since', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const expired = controller.BrokerFenceReason.BROKER_FENCE_REASON_SESSION_EXPIRED;
    expect(fenceBroker(ctx.image, 9, expired).records).toEqual([]);
    expect(fenceBroker(ctx.image, 0, expired, ctx.epochOf(0) - 1).records).toEqual([]);
    ctx.fence(0);
    expect(fenceBroker(ctx.image, 0, expired)).toEqual({ response: { fenced: false, offlinePartitions: [] }, records: [] });
  });
});
