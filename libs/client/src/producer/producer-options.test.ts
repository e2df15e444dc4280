import { hasErrorCode } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { resolveProducerOptions } from './producer-options.js';

const base = { bootstrapServers: ['127.0.0.1:1'] };

describe('producer options', () => {
  it("defaults to Kafka's: acks=all, idempotence on, linger 5 ms, 16 KiB batches", () => {
    const options = resolveProducerOptions(base);
    expect(options).toMatchObject({ acks: -1, idempotent: true, lingerMs: 5, batchSize: 16_384, bufferMemory: 33_554_432, maxInFlightRequestsPerConnection: 5, deliveryTimeoutMs: 120_000 });
  });

  it('turns idempotence off when a conflicting setting was given without asking for it, and refuses the conflict when asked', () => {
    expect(resolveProducerOptions({ ...base, acks: 1 }).idempotent).toBe(false);
    expect(() => resolveProducerOptions({ ...base, acks: 1, enableIdempotence: true })).toThrow(/enableIdempotence requires: acks must be all/);
  });

  it('names every bad or unknown option in one INVALID_CONFIG error', () => {
    let error: unknown;
    try {
      resolveProducerOptions({ ...base, lingerMs: -1, compressionType: 'brotli' as never, lingr: 3 } as never);
    } catch (caught) {
      error = caught;
    }
    expect(hasErrorCode(error, ErrorCode.INVALID_CONFIG)).toBe(true);
    expect((error as Error).message).toMatch(/unknown option lingr/);
    expect((error as Error).message).toMatch(/lingerMs must be a whole number/);
    expect((error as Error).message).toMatch(/compressionType must be one of none, gzip, snappy, lz4, zstd/);
  });

  it('rejects a bad bootstrap list and a delivery timeout shorter than linger + request timeout', () => {
    expect(() => resolveProducerOptions({ bootstrapServers: [] })).toThrow(/bootstrapServers/);
    expect(() => resolveProducerOptions({ ...base, deliveryTimeoutMs: 1000, requestTimeoutMs: 5000 })).toThrow(/deliveryTimeoutMs/);
  });
});
