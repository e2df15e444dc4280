import { isSamsaError } from '@samsa/common';
import { ErrorCode, controller } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coordinatorHeartbeat, expireCoordinator, registerCoordinator } from './coordinator-handlers.js';
import { ensureInternalTopics } from './internal-topics.js';
import { ControllerTestContext } from './__tests__/controller-test-context.js';
import { cases } from './__tests__/fixtures.js';

const GROUP = controller.CoordinatorKind.COORDINATOR_KIND_GROUP;
const TRANSACTION = controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION;
const Unregister = controller.CoordinatorUnregisterReason;

function withInternalTopics(shards = 6): ControllerTestContext {
  const ctx = new ControllerTestContext({ offsetsTopicPartitions: shards, transactionStateTopicPartitions: shards });
  ctx.addBrokers(['a']);
  ctx.run((image, _request: null, context) => ensureInternalTopics(image, context), null);
  return ctx;
}

function heartbeat(kind: controller.CoordinatorKind, instanceId: number, coordinatorEpoch: number, wantShutdown = false): controller.CoordinatorHeartbeatRequest {
  return controller.CoordinatorHeartbeatRequest.fromPartial({ kind, instanceId, coordinatorEpoch, currentMetadataVersion: 1, wantShutdown });
}

function ownersOf(ctx: ControllerTestContext, kind: controller.CoordinatorKind): number[] {
  return ctx.image.shards(kind).map((shard) => shard.instanceId);
}

function expectInvalid(run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isSamsaError(caught) && caught.code === ErrorCode.INVALID_REQUEST).toBe(true);
}

describe('registerCoordinator', () => {
  it('registers with the record version as epoch and reports no shards before the internal topic exists', () => {
    const ctx = new ControllerTestContext();
    const expectedEpoch = ctx.image.version + 1;
    const response = ctx.registerCoordinator(GROUP, 3);
    expect(response).toEqual({
      errorCode: ErrorCode.NONE,
      errorMessage: '',
      instanceId: 3,
      coordinatorEpoch: expectedEpoch,
      heartbeatIntervalMs: 2000,
      sessionTimeoutMs: 9000,
      shardTopic: '__consumer_offsets',
      shardCount: 0,
    });
    expect(ctx.image.coordinator(GROUP, 3)).toMatchObject({ coordinatorEpoch: expectedEpoch, endpoint: { nodeId: 3, host: 'coordinator.local' } });
  });

  it('assigns the lowest free id for -1, per kind', () => {
    const ctx = new ControllerTestContext();
    expect(ctx.registerCoordinator(GROUP, -1).instanceId).toBe(0);
    expect(ctx.registerCoordinator(GROUP, 2).instanceId).toBe(2);
    expect(ctx.registerCoordinator(TRANSACTION, -1).instanceId).toBe(0);
    const request = controller.RegisterCoordinatorRequest.fromPartial({ kind: GROUP, instanceId: -1, incarnationId: 'another', endpoint: { host: 'h', port: 1 } });
    expect(ctx.run(registerCoordinator, request).instanceId).toBe(1);
  });

  it('answers a retry by the same incarnation with the same id and epoch, also with -1', () => {
    const ctx = new ControllerTestContext();
    const request = controller.RegisterCoordinatorRequest.fromPartial({ kind: GROUP, instanceId: -1, incarnationId: 'inc', endpoint: { host: 'h', port: 1 } });
    const first = ctx.run(registerCoordinator, request);
    const retry = registerCoordinator(ctx.image, request, ctx.context());
    expect(retry.records).toEqual([]);
    expect(retry.response).toEqual(first);
    expect(registerCoordinator(ctx.image, { ...request, instanceId: first.instanceId }, ctx.context()).records).toEqual([]);
  });

  it('refuses a new incarnation while the old session is live, then replaces it and renews its shard epochs', () => {
    const ctx = withInternalTopics(4);
    const old = ctx.registerCoordinator(GROUP, 0);
    ctx.registerCoordinator(GROUP, 1);
    expect(ctx.registerCoordinator(GROUP, 0, 2)).toMatchObject({ errorCode: ErrorCode.DUPLICATE_BROKER_REGISTRATION, instanceId: -1, coordinatorEpoch: -1 });
    const epochsBefore = ctx.image.shards(GROUP).map((shard) => shard.shardEpoch);
    ctx.liveCoordinatorSessions.clear();
    const before = ctx.log.length;
    const replaced = ctx.registerCoordinator(GROUP, 0, 2);
    const batch = ctx.log.slice(before);
    expect(cases(batch)).toEqual(['coordinatorUnregistered', 'coordinatorRegistered', 'coordinatorShardsAssigned']);
    const unregistered = batch[0]?.payload;
    expect(unregistered?.$case === 'coordinatorUnregistered' && unregistered.coordinatorUnregistered).toMatchObject({ coordinatorEpoch: old.coordinatorEpoch, reason: Unregister.COORDINATOR_UNREGISTER_REASON_REPLACED });
    expect(replaced.coordinatorEpoch).toBe(batch[1]?.version);
    const after = ctx.image.shards(GROUP);
    expect(ownersOf(ctx, GROUP).filter((id) => id === 0)).toHaveLength(2);
    after.forEach((shard, index) => expect(shard.shardEpoch).toBe((epochsBefore[index] ?? 0) + (shard.instanceId === 0 ? 1 : 0)));
    ctx.expectReplayConsistent();
  });

  it('rejects malformed registrations as INVALID_REQUEST', () => {
    const ctx = new ControllerTestContext();
    const good = { kind: GROUP, instanceId: 0, incarnationId: 'i', endpoint: { host: 'h', port: 1 } };
    for (const bad of [{ kind: 0 }, { instanceId: -2 }, { incarnationId: '' }, { endpoint: undefined }, { endpoint: { host: '', port: 1 } }]) {
      expectInvalid(() => registerCoordinator(ctx.image, controller.RegisterCoordinatorRequest.fromPartial({ ...good, ...bad }), ctx.context()));
    }
  });

  it('rebalances the shards in the same batch once the internal topic exists', () => {
    const ctx = withInternalTopics(6);
    expect(ownersOf(ctx, GROUP)).toEqual([-1, -1, -1, -1, -1, -1]);
    const first = ctx.registerCoordinator(GROUP, 0);
    expect(first.shardCount).toBe(6);
    expect(ownersOf(ctx, GROUP)).toEqual([0, 0, 0, 0, 0, 0]);
    ctx.registerCoordinator(GROUP, 1);
    expect(ownersOf(ctx, GROUP)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(ctx.image.shards(GROUP).map((shard) => shard.shardEpoch)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(ownersOf(ctx, TRANSACTION).every((id) => id === -1)).toBe(true);
  });
});

describe('coordinatorHeartbeat', () => {
  it('returns the shards the instance owns with their epochs and writer ids', () => {
    const ctx = withInternalTopics(4);
    const zero = ctx.registerCoordinator(GROUP, 0);
    ctx.registerCoordinator(GROUP, 1);
    const result = coordinatorHeartbeat(ctx.image, heartbeat(GROUP, 0, zero.coordinatorEpoch), ctx.context());
    expect(result.records).toEqual([]);
    expect(result.response).toEqual({
      errorCode: ErrorCode.NONE,
      errorMessage: '',
      shards: ctx.image.shards(GROUP).filter((shard) => shard.instanceId === 0),
      shouldShutdown: false,
      metadataVersion: ctx.image.version,
    });
    expect(result.response.shards).toHaveLength(2);
  });

  it('rejects unknown instances and stale epochs', () => {
    const ctx = new ControllerTestContext();
    const zero = ctx.registerCoordinator(GROUP, 0);
    expect(ctx.run(coordinatorHeartbeat, heartbeat(GROUP, 1, zero.coordinatorEpoch)).errorCode).toBe(ErrorCode.BROKER_ID_NOT_REGISTERED);
    expect(ctx.run(coordinatorHeartbeat, heartbeat(GROUP, 0, zero.coordinatorEpoch - 1)).errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
    expectInvalid(() => coordinatorHeartbeat(ctx.image, heartbeat(0, 0, 1), ctx.context()));
  });

  it('on want_shutdown moves the shards away, unregisters the instance and tells it to stop', () => {
    const ctx = withInternalTopics(4);
    const zero = ctx.registerCoordinator(GROUP, 0);
    ctx.registerCoordinator(GROUP, 1);
    const result = coordinatorHeartbeat(ctx.image, heartbeat(GROUP, 0, zero.coordinatorEpoch, true), ctx.context());
    expect(cases(result.records)).toEqual(['coordinatorShardsAssigned', 'coordinatorUnregistered']);
    expect(result.response).toMatchObject({ shards: [], shouldShutdown: true, metadataVersion: ctx.image.version + 2 });
    ctx.replay(result.records);
    expect(ownersOf(ctx, GROUP)).toEqual([1, 1, 1, 1]);
    expect(ctx.image.coordinator(GROUP, 0)).toBeUndefined();
    const retry = ctx.run(coordinatorHeartbeat, heartbeat(GROUP, 0, zero.coordinatorEpoch, true));
    expect(retry).toMatchObject({ errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED, shouldShutdown: true });
  });
});

describe('expireCoordinator', () => {
  it('moves the shards of an expired instance first, then unregisters it', () => {
    const ctx = withInternalTopics(4);
    const zero = ctx.registerCoordinator(GROUP, 0);
    const one = ctx.registerCoordinator(GROUP, 1);
    expect(expireCoordinator(ctx.image, GROUP, 0, zero.coordinatorEpoch + 1).records).toEqual([]);
    expect(expireCoordinator(ctx.image, GROUP, 7).records).toEqual([]);
    const result = expireCoordinator(ctx.image, GROUP, 0, zero.coordinatorEpoch);
    expect(result.response.expired).toBe(true);
    const last = result.records.at(-1)?.payload;
    expect(last?.$case === 'coordinatorUnregistered' && last.coordinatorUnregistered.reason).toBe(Unregister.COORDINATOR_UNREGISTER_REASON_SESSION_EXPIRED);
    ctx.replay(result.records);
    expect(ownersOf(ctx, GROUP)).toEqual([1, 1, 1, 1]);
    ctx.replay(expireCoordinator(ctx.image, GROUP, 1, one.coordinatorEpoch).records);
    expect(ownersOf(ctx, GROUP)).toEqual([-1, -1, -1, -1]);
    ctx.expectReplayConsistent();
  });

  it('keeps shards balanced across registrations and expiries, and the log replays to the same image (property)', () => {
    const step = fc.record({ join: fc.boolean(), instance: fc.integer({ min: 0, max: 5 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(step, { maxLength: 20 }), (shards, steps) => {
        const ctx = withInternalTopics(shards);
        for (const { join, instance } of steps) {
          const registered = ctx.image.coordinator(GROUP, instance);
          if (join && registered === undefined) ctx.registerCoordinator(GROUP, instance);
          if (!join && registered !== undefined) ctx.replay(expireCoordinator(ctx.image, GROUP, instance, registered.coordinatorEpoch).records);
          const live = ctx.image.coordinators(GROUP).map((registration) => registration.instanceId);
          const counts = live.map((id) => ownersOf(ctx, GROUP).filter((owner) => owner === id).length);
          if (live.length === 0) expect(ownersOf(ctx, GROUP).every((owner) => owner === -1)).toBe(true);
          else expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          expect(ownersOf(ctx, GROUP).every((owner) => owner === -1 || live.includes(owner))).toBe(true);
        }
        ctx.expectReplayConsistent();
      }),
      { numRuns: 100 },
    );
  });
});
