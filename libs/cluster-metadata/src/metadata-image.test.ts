import { controller } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { MetadataImage } from './metadata-image.js';
import { CLUSTER_ID, ImageBuilder, record, type Payload } from './__tests__/image-builder.js';

const { BROKER_STATE_FENCED: FENCED, BROKER_STATE_ACTIVE: ACTIVE, BROKER_STATE_SHUTTING_DOWN: SHUTTING_DOWN } = controller.BrokerState;
const GROUP = controller.CoordinatorKind.COORDINATOR_KIND_GROUP;
const TRANSACTION = controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION;

function registration(nodeId: number, brokerEpoch: number): controller.BrokerRegistration {
  return { nodeId, incarnationId: `inc-${nodeId}`, brokerEpoch, rack: 'r1', listeners: [{ name: 'internal', host: 'h', port: 1 }], logDirs: [] };
}

function partition(topic: string, index: number, topicId: string, fields: Partial<controller.PartitionState> = {}): controller.PartitionState {
  return { topicPartition: { topic, partition: index }, topicId, replicas: [1, 2], isr: [1, 2], leaderId: 1, leaderEpoch: 0, partitionEpoch: 0, ...fields };
}

/** An image with the cluster, nodes 1 and 2 active, topic "t" (id t-id) with one partition led by 1. */
function seeded(): { image: MetadataImage; apply: (payload: Payload) => void } {
  const image = MetadataImage.empty();
  const apply = (payload: Payload): void => image.apply(record(image.version + 1, payload));
  apply({ $case: 'clusterCreated', clusterCreated: { clusterId: CLUSTER_ID } });
  for (const nodeId of [1, 2]) {
    apply({ $case: 'brokerRegistered', brokerRegistered: { registration: registration(nodeId, image.version + 1) } });
    apply({ $case: 'brokerUnfenced', brokerUnfenced: { nodeId, brokerEpoch: image.version } });
  }
  apply({ $case: 'topicCreated', topicCreated: { name: 't', topicId: 't-id', partitionCount: 1, configs: [], internal: false } });
  apply({ $case: 'partitionChanged', partitionChanged: { partition: partition('t', 0, 't-id'), reason: 1 } });
  return { image, apply };
}

describe('MetadataImage.apply', () => {
  it('starts every log with the cluster id at version 1 and follows versions without gaps', () => {
    const image = MetadataImage.empty();
    expect(() => image.apply(record(2, { $case: 'clusterCreated', clusterCreated: { clusterId: 'x' } }))).toThrow(/version/);
    image.apply(record(1, { $case: 'clusterCreated', clusterCreated: { clusterId: 'x' } }));
    expect(image.clusterId).toBe('x');
    expect(image.version).toBe(1);
    expect(() => image.apply(record(2, { $case: 'clusterCreated', clusterCreated: { clusterId: 'y' } }))).toThrow(/first record/);
    expect(() => image.apply(record(2, undefined))).toThrow(/payload/);
    const bogus = { $case: 'bogus', bogus: {} } as unknown as Payload;
    expect(() => image.apply(record(2, bogus))).toThrow(/unknown record payload/);
    expect(image.version).toBe(1);
  });

  it('registers brokers fenced with the record version as epoch and walks the legal state transitions', () => {
    const { image, apply } = seeded();
    expect(image.broker(1)?.state).toBe(ACTIVE);
    expect(() => apply({ $case: 'brokerRegistered', brokerRegistered: { registration: registration(3, 999) } })).toThrow(/record version/);
    apply({ $case: 'brokerControlledShutdown', brokerControlledShutdown: { nodeId: 2, brokerEpoch: 4 } });
    expect(image.broker(2)?.state).toBe(SHUTTING_DOWN);
    expect(() => apply({ $case: 'brokerUnfenced', brokerUnfenced: { nodeId: 2, brokerEpoch: 4 } })).toThrow(/illegal state transition/);
    apply({ $case: 'brokerFenced', brokerFenced: { nodeId: 2, brokerEpoch: 4, reason: 1 } });
    expect(image.broker(2)?.state).toBe(FENCED);
    expect(() => apply({ $case: 'brokerFenced', brokerFenced: { nodeId: 2, brokerEpoch: 4, reason: 1 } })).toThrow(/illegal/);
    expect(() => apply({ $case: 'brokerUnfenced', brokerUnfenced: { nodeId: 2, brokerEpoch: 3 } })).toThrow(/stale broker epoch/);
    expect(() => apply({ $case: 'brokerUnfenced', brokerUnfenced: { nodeId: 9, brokerEpoch: 3 } })).toThrow(/not registered/);
    apply({ $case: 'brokerRegistered', brokerRegistered: { registration: registration(2, image.version + 1) } });
    expect(image.broker(2)?.registration.brokerEpoch).toBe(image.version);
    expect(image.broker(2)?.state).toBe(FENCED);
  });

  it('unregisters only a fenced node that leads nothing', () => {
    const { image, apply } = seeded();
    expect(() => apply({ $case: 'brokerUnregistered', brokerUnregistered: { nodeId: 2, brokerEpoch: 4 } })).toThrow(/unregistered/);
    apply({ $case: 'brokerFenced', brokerFenced: { nodeId: 2, brokerEpoch: 4, reason: 1 } });
    apply({ $case: 'brokerUnregistered', brokerUnregistered: { nodeId: 2, brokerEpoch: 4 } });
    expect(image.broker(2)).toBeUndefined();
  });

  it('checks partition changes: epochs bump by the rules, ISR non-empty and containing the leader, no gaps', () => {
    const { image, apply } = seeded();
    const change = (fields: Partial<controller.PartitionState>, index = 0): void =>
      apply({ $case: 'partitionChanged', partitionChanged: { partition: partition('t', index, 't-id', fields), reason: 0 } });
    expect(() => change({ isr: [2], partitionEpoch: 1 })).toThrow(/leader 1 not in ISR/);
    expect(() => change({ isr: [], leaderId: -1, partitionEpoch: 1, leaderEpoch: 1 })).toThrow(/bad ISR/);
    expect(() => change({ isr: [2], leaderId: 2, partitionEpoch: 1 })).toThrow(/leader epoch/);
    expect(() => change({ isr: [1], partitionEpoch: 2 })).toThrow(/partition epoch/);
    expect(() => change({ replicas: [1, 1] })).toThrow(/bad replicas/);
    expect(() => change({}, 2)).toThrow(/gap/);
    expect(() => change({ leaderEpoch: 1 }, 1)).toThrow(/epochs 0/);
    change({ isr: [2], leaderId: 2, partitionEpoch: 1, leaderEpoch: 1 });
    change({ isr: [2, 1], leaderId: 2, partitionEpoch: 2, leaderEpoch: 1 });
    change({}, 1);
    expect(image.partition('t', 0)).toMatchObject({ isr: [2, 1], leaderId: 2, leaderEpoch: 1, partitionEpoch: 2 });
    expect(image.topic('t')?.partitions).toHaveLength(2);
    expect(() => apply({ $case: 'partitionChanged', partitionChanged: { partition: partition('t', 0, 'other-id'), reason: 0 } })).toThrow(/unknown topic/);
  });

  it('creates, configures and deletes topics with unique names and ids', () => {
    const { image, apply } = seeded();
    expect(() => apply({ $case: 'topicCreated', topicCreated: { name: 't', topicId: 'new', partitionCount: 1, configs: [], internal: false } })).toThrow(/exists/);
    expect(() => apply({ $case: 'topicCreated', topicCreated: { name: 'u', topicId: 't-id', partitionCount: 1, configs: [], internal: false } })).toThrow(/in use/);
    expect(() => apply({ $case: 'topicCreated', topicCreated: { name: 'bad name', topicId: 'x', partitionCount: 1, configs: [], internal: false } })).toThrow(/characters/);
    expect(() => apply({ $case: 'topicCreated', topicCreated: { name: '__consumer_offsets', topicId: 'x', partitionCount: 1, configs: [], internal: false } })).toThrow(/internal/);
    const topic = controller.ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC;
    apply({ $case: 'configChanged', configChanged: { resourceType: topic, resourceName: 't', configs: [{ name: 'retention.ms', value: '5' }, { name: 'segment.ms', value: '7' }] } });
    apply({ $case: 'configChanged', configChanged: { resourceType: topic, resourceName: 't', configs: [{ name: 'segment.ms', value: undefined }] } });
    expect([...(image.topic('t')?.configs ?? [])]).toEqual([['retention.ms', '5']]);
    expect(() => apply({ $case: 'configChanged', configChanged: { resourceType: topic, resourceName: 't', configs: [{ name: 'nope', value: '1' }] } })).toThrow(/unknown config/);
    expect(() => apply({ $case: 'topicDeleted', topicDeleted: { name: 't', topicId: 'wrong' } })).toThrow(/does not exist/);
    apply({ $case: 'topicDeleted', topicDeleted: { name: 't', topicId: 't-id' } });
    expect(image.topic('t')).toBeUndefined();
    expect(image.topicById('t-id')).toBeUndefined();
  });

  it('only lets the producer-id mark grow', () => {
    const { image, apply } = seeded();
    apply({ $case: 'producerIdsAllocated', producerIdsAllocated: { nextProducerId: 1000 } });
    expect(image.nextProducerId).toBe(1000);
    expect(() => apply({ $case: 'producerIdsAllocated', producerIdsAllocated: { nextProducerId: 1000 } })).toThrow(/does not advance/);
  });

  it('registers coordinators and checks shard records against the internal topic, owners, epochs and writer ids', () => {
    const { image, apply } = seeded();
    const coordinator = (instanceId: number): controller.CoordinatorRegistration => ({
      kind: GROUP, instanceId, incarnationId: `c${instanceId}`, coordinatorEpoch: image.version + 1, endpoint: { nodeId: instanceId, host: 'h', port: 1, rack: '' },
    });
    apply({ $case: 'coordinatorRegistered', coordinatorRegistered: { registration: coordinator(0) } });
    const shards = (list: controller.CoordinatorShardAssignment[]): void => apply({ $case: 'coordinatorShardsAssigned', coordinatorShardsAssigned: { kind: GROUP, shards: list } });
    expect(() => shards([{ shard: 0, instanceId: 0, shardEpoch: 0, writerProducerId: 0 }])).toThrow(/never allocated|out of range/);
    apply({ $case: 'topicCreated', topicCreated: { name: '__consumer_offsets', topicId: 'co', partitionCount: 2, configs: [], internal: true } });
    for (const index of [0, 1]) apply({ $case: 'partitionChanged', partitionChanged: { partition: partition('__consumer_offsets', index, 'co'), reason: 1 } });
    apply({ $case: 'producerIdsAllocated', producerIdsAllocated: { nextProducerId: 2 } });
    expect(() => shards([{ shard: 0, instanceId: 5, shardEpoch: 0, writerProducerId: 0 }])).toThrow(/not registered/);
    expect(() => shards([{ shard: 2, instanceId: 0, shardEpoch: 0, writerProducerId: 0 }])).toThrow(/out of range/);
    shards([{ shard: 0, instanceId: 0, shardEpoch: 0, writerProducerId: 0 }, { shard: 1, instanceId: -1, shardEpoch: 0, writerProducerId: 1 }]);
    expect(() => shards([{ shard: 1, instanceId: 0, shardEpoch: 0, writerProducerId: 1 }])).toThrow(/epoch 0 -> 0/);
    shards([{ shard: 1, instanceId: 0, shardEpoch: 1, writerProducerId: 1 }]);
    expect(image.shards(GROUP).map((shard) => [shard.instanceId, shard.shardEpoch])).toEqual([[0, 0], [0, 1]]);
    const epoch = image.coordinator(GROUP, 0)?.coordinatorEpoch ?? -1;
    expect(() => apply({ $case: 'coordinatorUnregistered', coordinatorUnregistered: { kind: GROUP, instanceId: 0, coordinatorEpoch: epoch + 1, reason: 1 } })).toThrow(/not registered/);
    apply({ $case: 'coordinatorUnregistered', coordinatorUnregistered: { kind: GROUP, instanceId: 0, coordinatorEpoch: epoch, reason: 1 } });
    expect(image.coordinators(GROUP)).toEqual([]);
  });

  it('leaves the image unchanged when a record is rejected', () => {
    const { image, apply } = seeded();
    const before = image.toSnapshot();
    expect(() => apply({ $case: 'partitionChanged', partitionChanged: { partition: partition('t', 0, 't-id', { isr: [3], leaderId: 3, leaderEpoch: 1, partitionEpoch: 1 }), reason: 0 } })).toThrow();
    expect(image.toSnapshot()).toEqual(before);
  });
});

describe('MetadataImage snapshots', () => {
  it('round-trips a populated image through the wire format, and replay of the log equals the snapshot', () => {
    const builder = new ImageBuilder();
    builder.addBrokers([0, 1, 2]);
    const lists = [0, 1, 2, 3, 4, 5].map((index) => [index % 3, (index + 1) % 3, (index + 2) % 3]);
    builder.createTopic('orders', 'orders-id', lists, [{ name: 'segment.ms', value: '60000' }, { name: 'retention.ms', value: '1000' }]);
    builder.registerCoordinator(GROUP, 0);
    builder.fence(1);
    const snapshot = builder.image.toSnapshot();
    expect(snapshot.version).toBe(builder.image.version);
    expect(snapshot.clusterId).toBe(CLUSTER_ID);
    expect(snapshot.brokers.map((broker) => broker.state)).toEqual([ACTIVE, FENCED, ACTIVE]);
    expect(snapshot.topics[0]?.configs.map((entry) => entry.name)).toEqual(['retention.ms', 'segment.ms']);
    builder.expectReplayConsistent();
  });

  it('continues replay after a snapshot at the next version', () => {
    const builder = new ImageBuilder();
    builder.addBrokers([0]);
    const image = MetadataImage.fromSnapshot(builder.image.toSnapshot());
    const before = builder.log.length;
    builder.createTopic('later', 'later-id', [[0]]);
    for (const entry of builder.log.slice(before)) image.apply(entry);
    expect(image.toSnapshot()).toEqual(builder.image.toSnapshot());
  });

  it('rejects snapshots that break an invariant', () => {
    const builder = new ImageBuilder();
    builder.addBrokers([0, 1]);
    builder.createTopic('orders', 'orders-id', [[0, 1], [1, 0]]);
    const good = builder.image.toSnapshot();
    const broken = (mutate: (snapshot: controller.MetadataSnapshot) => void): controller.MetadataSnapshot => {
      const copy = controller.MetadataSnapshot.fromPartial(good);
      mutate(copy);
      return copy;
    };
    expect(() => MetadataImage.fromSnapshot(broken((s) => s.topics[0]?.partitions.reverse()))).toThrow(/position/);
    expect(() => MetadataImage.fromSnapshot(broken((s) => { const p = s.topics[0]?.partitions[0]; if (p) p.isr = []; }))).toThrow(/ISR/);
    expect(() => MetadataImage.fromSnapshot(broken((s) => s.brokers.push(s.brokers[0] as controller.BrokerImage)))).toThrow(/twice/);
    expect(() => MetadataImage.fromSnapshot(broken((s) => { const b = s.brokers[0]; if (b) b.state = 0; }))).toThrow(/state/);
    expect(() => MetadataImage.fromSnapshot(broken((s) => { s.clusterId = ''; }))).toThrow(/cluster id/);
    expect(() => MetadataImage.fromSnapshot(broken((s) => s.coordinatorShards.push({ kind: GROUP, shards: [{ shard: 0, instanceId: -1, shardEpoch: 0, writerProducerId: 0 }] })))).toThrow(/shards/);
  });

  it('rejects an internal topic without its shard table', () => {
    const builder = new ImageBuilder();
    builder.addBrokers([0]);
    builder.registerCoordinator(GROUP, 0);
    builder.registerCoordinator(TRANSACTION, 0);
    builder.createShards(GROUP, 2, [0], 0);
    builder.createShards(TRANSACTION, 2, [0], 0);
    builder.expectReplayConsistent();
    const snapshot = builder.image.toSnapshot();
    expect(snapshot.coordinatorShards.map((image) => image.shards.length)).toEqual([2, 2]);
    expect(() => MetadataImage.fromSnapshot({ ...snapshot, coordinatorShards: snapshot.coordinatorShards.slice(1) })).toThrow(/shard table/);
  });
});
