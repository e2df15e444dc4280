/**
 * The records the controller's handlers write replay into @samsa/cluster-metadata's image the way
 * storage nodes and coordinators will replay them: from scratch, through a snapshot, and on from a
 * snapshot. (The image's own rules are tested in libs/cluster-metadata.)
 */
import { controller } from '@samsa/proto';
import { MetadataImage } from '@samsa/cluster-metadata';
import { describe, expect, it } from 'vitest';
import { ensureInternalTopics } from './internal-topics.js';
import { CLUSTER_ID, ControllerTestContext } from './__tests__/controller-test-context.js';

const { BROKER_STATE_FENCED: FENCED, BROKER_STATE_ACTIVE: ACTIVE } = controller.BrokerState;
const GROUP = controller.CoordinatorKind.COORDINATOR_KIND_GROUP;

describe('replay of handler-written logs', () => {
  it('round-trips a populated image through the wire format, and replay of the log equals the snapshot', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    ctx.createTopic('orders', 6, 3, [{ name: 'retention.ms', value: '1000' }]);
    ctx.registerCoordinator(GROUP, 0);
    ctx.fence(1);
    const snapshot = ctx.image.toSnapshot();
    expect(snapshot.version).toBe(ctx.image.version);
    expect(snapshot.clusterId).toBe(CLUSTER_ID);
    expect(snapshot.brokers.map((broker) => broker.state)).toEqual([ACTIVE, FENCED, ACTIVE]);
    ctx.expectReplayConsistent();
  });

  it('continues replay after a snapshot at the next version', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const image = MetadataImage.fromSnapshot(ctx.image.toSnapshot());
    const before = ctx.log.length;
    ctx.createTopic('later', 1, 1);
    for (const record of ctx.log.slice(before)) image.apply(record);
    expect(image.toSnapshot()).toEqual(ctx.image.toSnapshot());
  });

  it('snapshots the internal topics with their shard tables', () => {
    const ctx = new ControllerTestContext({ offsetsTopicPartitions: 2, transactionStateTopicPartitions: 2 });
    ctx.addBrokers(['a']);
    ctx.replay(ensureInternalTopics(ctx.image, ctx.context()).records);
    const snapshot = ctx.image.toSnapshot();
    expect(snapshot.coordinatorShards.map((image) => image.shards.length)).toEqual([2, 2]);
    expect(() => MetadataImage.fromSnapshot({ ...snapshot, coordinatorShards: snapshot.coordinatorShards.slice(1) })).toThrow(/shard table/);
    ctx.expectReplayConsistent();
  });
});
