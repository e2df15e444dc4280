import { ErrorCode, controller, storage } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { configChanges, configEntry } from './configs.js';
import { checkPartitionItems, specTimestamp } from './offsets.js';
import { leadersFromMetadata } from './topic-readiness.js';
import { creatableTopic } from './topics.js';

describe('request building', () => {
  it('maps unset partition counts and replication factors to the cluster default (-1)', () => {
    const topic = creatableTopic({ topic: 't', configs: { 'retention.ms': '1000' } });
    expect(topic).toMatchObject({ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] });
    expect(creatableTopic({ topic: 'u', replicaAssignment: [{ partition: 0, replicas: [2, 1] }] }).assignments).toEqual([{ partition: 0, replicas: [2, 1] }]);
  });

  it('turns a null config value into a key removal', () => {
    expect(configChanges({ 'retention.ms': '5', 'cleanup.policy': null })).toEqual([{ name: 'retention.ms', value: '5' }, { name: 'cleanup.policy' }]);
  });

  it('describes where a config value comes from', () => {
    expect(configEntry({ name: 'a', value: '1', source: controller.ConfigSource.CONFIG_SOURCE_DEFAULT, documentation: '' })).toEqual({ name: 'a', value: '1', source: 'default', isDefault: true, documentation: '' });
    expect(configEntry({ name: 'a', value: '2', source: controller.ConfigSource.CONFIG_SOURCE_RESOURCE, documentation: 'd' }).isDefault).toBe(false);
  });

  it('maps offset specs to the ListOffsets sentinels and rejects bad timestamps', () => {
    expect(['latest', 'earliest', 'maxTimestamp'].map((spec) => specTimestamp(spec as 'latest', 'x-0'))).toEqual([-1, -2, -3]);
    expect(specTimestamp({ timestamp: 1234 }, 'x-0')).toBe(1234);
    expect(() => specTimestamp({ timestamp: -5 }, 'x-0')).toThrow(/x-0: offset spec/);
  });

  it('rejects repeated and malformed partitions, naming them all', () => {
    expect(() => checkPartitionItems('listOffsets', [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 0 }, { topic: '', partition: 1 }, { topic: 'b', partition: -1 }])).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_REQUEST, message: expect.stringMatching(/a-0 is listed more than once.*"topic":"".*"partition":-1/) }),
    );
    expect(() => checkPartitionItems('listOffsets', [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }])).not.toThrow();
  });
});

describe('leadersFromMetadata', () => {
  it('reports topics and partitions without a leader', () => {
    const response = storage.MetadataResponse.fromPartial({
      topics: [
        { name: 'a', errorCode: ErrorCode.NONE, partitions: [{ partition: 0, leaderId: 1 }, { partition: 1, leaderId: -1 }] },
        { name: 'b', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
      ],
    });
    const answer = leadersFromMetadata(response, [{ name: 'a', numPartitions: 3 }, { name: 'b', numPartitions: 1 }]);
    expect([...answer.leaders]).toEqual([['a\u00000', 1]]);
    expect(answer.missing).toEqual(['a-1 has no leader yet', 'a-2 has no leader yet', 'topic b is not in the metadata yet']);
  });
});
