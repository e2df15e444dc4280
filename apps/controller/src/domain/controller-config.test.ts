import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTROLLER_CONFIG, controllerConfig } from './controller-config.js';

describe('controllerConfig', () => {
  it("defaults to Kafka's values", () => {
    expect(controllerConfig()).toEqual(DEFAULT_CONTROLLER_CONFIG);
    expect(DEFAULT_CONTROLLER_CONFIG).toMatchObject({
      defaultNumPartitions: 1,
      defaultReplicationFactor: 1,
      minSegmentBytes: 1_048_576,
      offsetsTopicPartitions: 50,
      transactionStateTopicPartitions: 50,
      internalTopicReplicationFactor: 3,
      internalTopicMinInsyncReplicas: 2,
      producerIdBlockSize: 1000,
    });
  });

  it('applies overrides and freezes the result', () => {
    const config = controllerConfig({ minSegmentBytes: 1024, defaultNumPartitions: 3 });
    expect(config).toMatchObject({ minSegmentBytes: 1024, defaultNumPartitions: 3 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every bad key at once', () => {
    expect(() => controllerConfig({ defaultNumPartitions: 0, producerIdBlockSize: 1.5 })).toThrow(/defaultNumPartitions.*producerIdBlockSize/);
    expect(() => controllerConfig({ minSegmentBytes: 200_000_000 })).toThrow(/internalTopicSegmentBytes/);
  });
});
