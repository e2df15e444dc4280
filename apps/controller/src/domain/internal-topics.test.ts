import { controller } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import type { ControllerConfig } from './controller-config.js';
import { ensureInternalTopics } from './internal-topics.js';
import { ControllerTestContext } from './__tests__/controller-test-context.js';
import { cases } from './__tests__/fixtures.js';

const GROUP = controller.CoordinatorKind.COORDINATOR_KIND_GROUP;
const TRANSACTION = controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION;

function ensure(ctx: ControllerTestContext): string[] {
  return ctx.run((image, _request: null, context) => ensureInternalTopics(image, context), null).created;
}

function context(overrides: Partial<ControllerConfig> = {}): ControllerTestContext {
  return new ControllerTestContext({ offsetsTopicPartitions: 5, transactionStateTopicPartitions: 3, ...overrides });
}

describe('ensureInternalTopics', () => {
  it('waits for an active storage node', () => {
    const ctx = context();
    ctx.registerBroker(0);
    expect(ensureInternalTopics(ctx.image, ctx.context())).toEqual({ response: { created: [] }, records: [] });
  });

  it('waits for internalTopicsMinActiveNodes active nodes when configured', () => {
    const ctx = context({ internalTopicsMinActiveNodes: 3 });
    ctx.addBrokers(['a', 'b']);
    expect(ensure(ctx)).toEqual([]);
    ctx.addBrokers(['c'], 2);
    expect(ensure(ctx)).toEqual(['__consumer_offsets', '__transaction_state']);
    expect(ctx.image.topic('__consumer_offsets')?.partitions.every((state) => state.replicas.length === 3)).toBe(true);
  });

  it('creates both compacted topics with RF min(3, nodes), min ISR min(2, RF) and their shard tables, once', () => {
    const ctx = context();
    ctx.addBrokers(['a', 'b', 'c', 'a', 'b']);
    const result = ensureInternalTopics(ctx.image, ctx.context());
    expect(cases(result.records)).toEqual([
      'topicCreated', ...Array<string>(5).fill('partitionChanged'), 'producerIdsAllocated', 'coordinatorShardsAssigned',
      'topicCreated', ...Array<string>(3).fill('partitionChanged'), 'producerIdsAllocated', 'coordinatorShardsAssigned',
    ]);
    ctx.replay(result.records);
    for (const [name, partitions] of [['__consumer_offsets', 5], ['__transaction_state', 3]] as const) {
      const topic = ctx.image.topic(name);
      expect(topic?.internal).toBe(true);
      expect(topic?.partitions).toHaveLength(partitions);
      expect(Object.fromEntries(topic?.configs ?? [])).toEqual({ 'cleanup.policy': 'compact', 'min.insync.replicas': '2', 'segment.bytes': '104857600' });
      expect(topic?.partitions.every((state) => state.replicas.length === 3 && new Set(state.replicas.map((id) => ctx.image.broker(id)?.registration.rack)).size === 3)).toBe(true);
    }
    expect(ctx.image.shards(GROUP).map((shard) => [shard.shard, shard.instanceId, shard.shardEpoch])).toEqual([0, 1, 2, 3, 4].map((i) => [i, -1, 0]));
    const writers = [...ctx.image.shards(GROUP), ...ctx.image.shards(TRANSACTION)].map((shard) => shard.writerProducerId);
    expect(writers).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ctx.image.nextProducerId).toBe(8);
    expect(ensureInternalTopics(ctx.image, ctx.context()).records).toEqual([]);
    ctx.expectReplayConsistent();
  });

  it('caps RF and min ISR on a one-node cluster', () => {
    const ctx = context();
    ctx.addBrokers(['']);
    ensure(ctx);
    const topic = ctx.image.topic('__transaction_state');
    expect(topic?.configs.get('min.insync.replicas')).toBe('1');
    expect(topic?.partitions.every((state) => state.replicas.length === 1 && state.leaderId === 0)).toBe(true);
  });

  it('assigns the shards to coordinators that registered before the topic existed', () => {
    const ctx = context();
    ctx.registerCoordinator(GROUP, 0);
    ctx.registerCoordinator(GROUP, 1);
    ctx.registerCoordinator(TRANSACTION, 4);
    ctx.addBrokers(['a']);
    ensure(ctx);
    expect(ctx.image.shards(GROUP).map((shard) => shard.instanceId)).toEqual([0, 0, 0, 1, 1]);
    expect(ctx.image.shards(TRANSACTION).map((shard) => shard.instanceId)).toEqual([4, 4, 4]);
    expect(ctx.image.shards(GROUP).every((shard) => shard.shardEpoch === 0)).toBe(true);
  });

  it('uses the default of 50 shards per kind', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    ensure(ctx);
    expect(ctx.image.topic('__consumer_offsets')?.partitions).toHaveLength(50);
    expect(ctx.image.shards(TRANSACTION)).toHaveLength(50);
  });
});
