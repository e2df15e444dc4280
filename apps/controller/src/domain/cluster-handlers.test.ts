import { isSamsaError } from '@samsa/common';
import { ErrorCode, controller } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetadataImage } from '@samsa/cluster-metadata';
import { allocateProducerIds, createCluster, describeCluster } from './cluster-handlers.js';
import { ensureInternalTopics } from './internal-topics.js';
import { CLUSTER_ID, ControllerTestContext } from './__tests__/controller-test-context.js';

const GROUP = controller.CoordinatorKind.COORDINATOR_KIND_GROUP;
const TRANSACTION = controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION;
const CONTROLLER = { nodeId: 100, host: 'controller.local', port: 9093, rack: '' };

function brokerRequester(nodeId: number, brokerEpoch: number): controller.AllocateProducerIdsRequest {
  return controller.AllocateProducerIdsRequest.fromPartial({ requester: { $case: 'broker', broker: { nodeId, brokerEpoch } } });
}

function coordinatorRequester(kind: controller.CoordinatorKind, instanceId: number, coordinatorEpoch: number): controller.AllocateProducerIdsRequest {
  return controller.AllocateProducerIdsRequest.fromPartial({ requester: { $case: 'coordinator', coordinator: { kind, instanceId, coordinatorEpoch } } });
}

describe('createCluster', () => {
  it('starts an empty log with a generated cluster id, and does nothing afterwards', () => {
    const ctx = new ControllerTestContext();
    expect(ctx.log[0]).toMatchObject({ version: 1, payload: { $case: 'clusterCreated', clusterCreated: { clusterId: CLUSTER_ID } } });
    expect(createCluster(ctx.image, ctx.context())).toEqual({ response: { clusterId: CLUSTER_ID }, records: [] });
    const fresh = MetadataImage.empty();
    const result = createCluster(fresh, { ...ctx.context(), nextVersion: 1, newUuid: () => 'generated' });
    expect(result.response.clusterId).toBe('generated');
  });
});

describe('describeCluster', () => {
  it('lists every node by id with the requested listener, marking fenced ones', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['r1', 'r2']);
    ctx.registerBroker(5, 'r3');
    const response = describeCluster(ctx.image, controller.DescribeClusterRequest.fromPartial({}), CONTROLLER);
    expect(response).toEqual({
      clusterId: CLUSTER_ID,
      controllerId: 100,
      controllerEndpoint: CONTROLLER,
      nodes: [
        { nodeId: 0, host: 'node-0.local', port: 9092, rack: 'r1' },
        { nodeId: 1, host: 'node-1.local', port: 9092, rack: 'r2' },
        { nodeId: 5, host: 'node-5.local', port: 9092, rack: 'r3' },
      ],
      fencedNodeIds: [5],
      metadataVersion: ctx.image.version,
    });
    const external = describeCluster(ctx.image, controller.DescribeClusterRequest.fromPartial({ listenerName: 'external' }), CONTROLLER);
    expect(external.nodes).toEqual([]);
    expect(external.fencedNodeIds).toEqual([]);
  });
});

describe('allocateProducerIds', () => {
  it('hands out consecutive blocks of the configured size to registered callers', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const first = ctx.run(allocateProducerIds, brokerRequester(0, ctx.epochOf(0)));
    expect(first).toEqual({ errorCode: ErrorCode.NONE, errorMessage: '', firstProducerId: 0, count: 1000 });
    const coordinator = ctx.registerCoordinator(TRANSACTION, 0);
    const second = ctx.run(allocateProducerIds, coordinatorRequester(TRANSACTION, 0, coordinator.coordinatorEpoch));
    expect(second.firstProducerId).toBe(1000);
    expect(ctx.image.nextProducerId).toBe(2000);
  });

  it('rejects stale and unknown callers without allocating', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const stale = allocateProducerIds(ctx.image, brokerRequester(0, 1), ctx.context());
    expect(stale).toEqual({ response: expect.objectContaining({ errorCode: ErrorCode.STALE_BROKER_EPOCH, firstProducerId: -1, count: 0 }), records: [] });
    const unknown = allocateProducerIds(ctx.image, coordinatorRequester(GROUP, 3, 1), ctx.context());
    expect(unknown.response.errorCode).toBe(ErrorCode.BROKER_ID_NOT_REGISTERED);
    for (const request of [controller.AllocateProducerIdsRequest.fromPartial({}), coordinatorRequester(0, 0, 1)]) {
      let caught: unknown;
      try {
        allocateProducerIds(ctx.image, request, ctx.context());
      } catch (error) {
        caught = error;
      }
      expect(isSamsaError(caught) && caught.code === ErrorCode.INVALID_REQUEST).toBe(true);
    }
  });

  it('never hands out an id twice across blocks, shard writer ids and snapshot round trips (property)', () => {
    type Step = 'allocate' | 'snapshot' | 'coordinator';
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Step>('allocate', 'allocate', 'snapshot', 'coordinator'), { maxLength: 40 }), (steps) => {
        const ctx = new ControllerTestContext({ producerIdBlockSize: 7, offsetsTopicPartitions: 3, transactionStateTopicPartitions: 2 });
        ctx.addBrokers(['a']);
        ctx.run((image, _request: null, context) => ensureInternalTopics(image, context), null);
        const handedOut: number[] = [];
        const writerIds = new Set<number>();
        let instances = 0;
        for (const step of steps) {
          if (step === 'allocate') {
            const response = ctx.run(allocateProducerIds, brokerRequester(0, ctx.epochOf(0)));
            for (let id = response.firstProducerId; id < response.firstProducerId + response.count; id++) handedOut.push(id);
          } else if (step === 'snapshot') {
            ctx.image = MetadataImage.fromSnapshot(controller.MetadataSnapshot.decode(controller.MetadataSnapshot.encode(ctx.image.toSnapshot()).finish()));
          } else {
            ctx.registerCoordinator(instances % 2 === 0 ? GROUP : TRANSACTION, -1);
            instances++;
          }
          for (const kind of [GROUP, TRANSACTION]) for (const shard of ctx.image.shards(kind)) writerIds.add(shard.writerProducerId);
        }
        const all = [...handedOut, ...writerIds];
        expect(new Set(all).size).toBe(all.length);
        expect(all.every((id) => id < ctx.image.nextProducerId)).toBe(true);
        ctx.expectReplayConsistent();
      }),
      { numRuns: 60 },
    );
  });
});
