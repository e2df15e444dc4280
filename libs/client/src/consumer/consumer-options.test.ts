import { hasErrorCode, isSamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { serdes } from '../serdes.js';
import { resolveConsumerOptions, type ConsumerOptions } from './consumer-options.js';

function rejection(options: unknown): string {
  try {
    resolveConsumerOptions(options as ConsumerOptions);
  } catch (error) {
    expect(hasErrorCode(error, ErrorCode.INVALID_CONFIG)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the options to be rejected');
}

describe('resolveConsumerOptions', () => {
  it("applies Kafka's consumer defaults", () => {
    const config = resolveConsumerOptions({ bootstrapServers: 'localhost:9092' });
    expect(config).toMatchObject({
      bootstrapServers: ['localhost:9092'],
      groupId: '',
      autoOffsetReset: 'latest',
      isolationLevel: 'read_uncommitted',
      maxPollRecords: 500,
      fetchMinBytes: 1,
      fetchMaxBytes: 52_428_800,
      maxPartitionFetchBytes: 1_048_576,
      fetchMaxWaitMs: 500,
      checkCrcs: true,
      defaultApiTimeoutMs: 60_000,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 1000,
    });
    expect(config.keyDeserializer).toBe(serdes.buffer);
    expect(config.valueDeserializer).toBe(serdes.buffer);
  });

  it('accepts built-in deserializer names and custom deserializers', () => {
    const custom = { deserialize: (bytes: Buffer | null) => bytes?.length ?? -1 };
    const config = resolveConsumerOptions<string | null, number>({ bootstrapServers: ['a:1', 'b:2'], keyDeserializer: 'string', valueDeserializer: custom, groupId: 'g', autoOffsetReset: 'none', isolationLevel: 'read_committed' });
    expect(config.keyDeserializer).toBe(serdes.string);
    expect(config.valueDeserializer).toBe(custom);
    expect(config).toMatchObject({ groupId: 'g', autoOffsetReset: 'none', isolationLevel: 'read_committed' });
  });

  it('names every bad or unknown option in one INVALID_CONFIG error', () => {
    const message = rejection({
      bootstrapServers: 'nope',
      autoOffsetReset: 'smallest',
      maxPollRecords: 0,
      fetchMaxWaitMs: -1,
      isolationLevel: 'dirty',
      checkCrcs: 'yes',
      valueDeserializer: 'avro',
      keyDeserializer: 42,
      enableAutoCommitt: true,
    });
    for (const key of ['bootstrapServers', 'autoOffsetReset', 'maxPollRecords', 'fetchMaxWaitMs', 'isolationLevel', 'checkCrcs', 'valueDeserializer', 'keyDeserializer', 'unknown option enableAutoCommitt']) expect(message).toContain(key);
  });

  it('requires bootstrapServers', () => {
    expect(rejection({})).toContain('bootstrapServers');
  });

  it('rejects something that is not an options object', () => {
    let caught: unknown;
    try {
      resolveConsumerOptions(null as unknown as ConsumerOptions);
    } catch (error) {
      caught = error;
    }
    expect(isSamsaError(caught) && caught.code === ErrorCode.INVALID_CONFIG).toBe(true);
  });
});
