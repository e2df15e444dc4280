import { controller } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { ImageBuilder, partitionState } from './__tests__/image-builder.js';
import { TOPIC_CONFIG_DEFS } from './topic-configs.js';

const TOPIC = controller.ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC;

function names(states: readonly controller.PartitionState[]): string[] {
  return states.map((state) => `${state.topicPartition?.topic}-${state.topicPartition?.partition}`);
}

describe('MetadataImage.replicaPartitions', () => {
  it("lists the partitions a node is a replica of, led or followed, by topic then index, with their state", () => {
    const builder = new ImageBuilder();
    builder.addBrokers([0, 1, 2]);
    builder.createTopic('b', 'b-id', [[0, 1], [1, 2], [2, 0]]);
    builder.createTopic('a', 'a-id', [[1], [0]]);
    const { image } = builder;
    expect(names(image.replicaPartitions(0))).toEqual(['a-1', 'b-0', 'b-2']);
    expect(names(image.replicaPartitions(2))).toEqual(['b-1', 'b-2']);
    expect(image.replicaPartitions(0)[2]).toEqual(partitionState('b', 2, 'b-id', { replicas: [2, 0] }));
    expect(image.replicaPartitions(7)).toEqual([]);
  });

  it('keeps a replica that left the ISR, and follows reassignment and deletion', () => {
    const builder = new ImageBuilder();
    builder.addBrokers([0, 1, 2]);
    builder.createTopic('t', 't-id', [[0, 1]]);
    const before = builder.image.replicaPartitions(1);
    builder.apply({ $case: 'partitionChanged', partitionChanged: { partition: partitionState('t', 0, 't-id', { replicas: [0, 1], isr: [0], partitionEpoch: 1 }), reason: 2 } });
    expect(names(builder.image.replicaPartitions(1))).toEqual(['t-0']);
    expect(builder.image.replicaPartitions(1)[0]?.isr).toEqual([0]);
    expect(before[0]?.isr).toEqual([0, 1]);
    builder.apply({ $case: 'partitionChanged', partitionChanged: { partition: partitionState('t', 0, 't-id', { replicas: [0, 2], isr: [0], partitionEpoch: 2 }), reason: 2 } });
    expect(builder.image.replicaPartitions(1)).toEqual([]);
    expect(names(builder.image.replicaPartitions(2))).toEqual(['t-0']);
    builder.apply({ $case: 'topicDeleted', topicDeleted: { name: 't', topicId: 't-id' } });
    expect(builder.image.replicaPartitions(0)).toEqual([]);
  });
});

describe('MetadataImage.brokerEndpoint', () => {
  it("is the node's first listener and rack, whatever its state, and follows re-registration", () => {
    const builder = new ImageBuilder();
    const listeners = [
      { name: 'internal', host: 'node-3.internal', port: 9092 },
      { name: 'external', host: 'node-3.example.com', port: 19092 },
    ];
    builder.registerBroker(3, 'rack-a', listeners);
    expect(builder.image.brokerEndpoint(3)).toEqual({ nodeId: 3, host: 'node-3.internal', port: 9092, rack: 'rack-a' });
    expect(builder.image.broker(3)?.state).toBe(controller.BrokerState.BROKER_STATE_FENCED);
    builder.registerBroker(3, 'rack-b', [{ name: 'internal', host: 'node-3.moved', port: 9093 }]);
    expect(builder.image.brokerEndpoint(3)).toEqual({ nodeId: 3, host: 'node-3.moved', port: 9093, rack: 'rack-b' });
    expect(builder.image.brokerEndpoint(4)).toBeUndefined();
    const brokerEpoch = builder.image.broker(3)?.registration.brokerEpoch ?? -1;
    builder.apply({ $case: 'brokerUnregistered', brokerUnregistered: { nodeId: 3, brokerEpoch } });
    expect(builder.image.brokerEndpoint(3)).toBeUndefined();
  });
});

describe('MetadataImage.effectiveTopicConfig', () => {
  it('maps every Kafka key to its value, explicit or default, sorted by key', () => {
    const builder = new ImageBuilder();
    builder.addBrokers([0]);
    builder.createTopic('t', 't-id', [[0]], [{ name: 'retention.ms', value: '1000' }]);
    const config = builder.image.effectiveTopicConfig('t');
    expect([...(config?.keys() ?? [])]).toEqual([...TOPIC_CONFIG_DEFS.keys()].sort());
    expect(config?.get('retention.ms')).toBe('1000');
    expect(config?.get('cleanup.policy')).toBe('delete');
    expect(config?.get('segment.bytes')).toBe('1073741824');
    expect(builder.image.effectiveTopicConfig('missing')).toBeUndefined();
  });

  it('follows config changes and returns a copy', () => {
    const builder = new ImageBuilder();
    builder.addBrokers([0]);
    builder.createTopic('t', 't-id', [[0]], [{ name: 'retention.ms', value: '1000' }]);
    builder.apply({
      $case: 'configChanged',
      configChanged: { resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', value: undefined }, { name: 'min.insync.replicas', value: '1' }] },
    });
    const config = builder.image.effectiveTopicConfig('t');
    expect(config?.get('retention.ms')).toBe('604800000');
    config?.set('retention.ms', '1');
    expect(builder.image.effectiveTopicConfig('t')?.get('retention.ms')).toBe('604800000');
    expect([...(builder.image.topic('t')?.configs ?? [])]).toEqual([['min.insync.replicas', '1']]);
  });
});
