/**
 * fast-check arbitraries for records and batches, shared by the property and interop tests.
 * Byte fields cover null, empty and binary; header keys are any valid Unicode (no lone
 * surrogates, which UTF-8 cannot carry); timestamps may go backwards inside a batch.
 */
import fc from 'fast-check';
import { CompressionType, TimestampType } from '../constants.js';
import type { BatchOptions, RecordInput } from '../batch-builder.js';

export const ALL_CODECS = [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD];

export const nullableBytes = fc.oneof(
  fc.constant(null),
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 96 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'grapheme', maxLength: 16 }).map((text) => Buffer.from(text, 'utf8')),
);

export const headerKey = fc.string({ unit: 'grapheme', maxLength: 12 });

export interface RecordSpec {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
  timestampDelta: number;
}

export const recordSpec = (options: { headerKey?: fc.Arbitrary<string>; nullHeaderValues?: boolean } = {}): fc.Arbitrary<RecordSpec> =>
  fc.record({
    key: nullableBytes,
    value: nullableBytes,
    headers: fc.array(
      fc.record({
        key: options.headerKey ?? headerKey,
        value: options.nullHeaderValues === false ? nullableBytes.filter((value) => value !== null) : nullableBytes,
      }),
      { maxLength: 4 },
    ),
    timestampDelta: fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
  });

export interface BatchSpec {
  records: RecordSpec[];
  /** Gaps between consecutive offsets (1 = consecutive); compaction leaves larger ones. */
  offsetGaps: number[];
  options: BatchOptions & { baseOffset: number; baseTimestamp: number; compression: CompressionType };
}

export const batchSpec = (codecs: readonly CompressionType[] = ALL_CODECS, options: { gaps?: boolean } = {}): fc.Arbitrary<BatchSpec> =>
  fc.record({
    records: fc.array(recordSpec(), { minLength: 1, maxLength: 12 }),
    offsetGaps: fc.array(options.gaps === true ? fc.integer({ min: 1, max: 1000 }) : fc.constant(1), { minLength: 12, maxLength: 12 }),
    options: fc.record({
      baseOffset: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 ** 52 })),
      baseTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
      compression: fc.constantFrom(...codecs),
      partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
      producerId: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2 ** 52 })),
      producerEpoch: fc.integer({ min: -1, max: 2 ** 15 - 1 }),
      baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
      isTransactional: fc.boolean(),
      timestampType: fc.constantFrom(TimestampType.CREATE_TIME, TimestampType.LOG_APPEND_TIME),
    }),
  });

/** The builder input for a spec: absolute timestamps, and absolute offsets when gaps are used. */
export function toRecordInputs(spec: BatchSpec): RecordInput[] {
  let offset = spec.options.baseOffset;
  return spec.records.map((record, index) => {
    if (index > 0) offset += spec.offsetGaps[index - 1] ?? 1;
    return { key: record.key, value: record.value, headers: record.headers, timestamp: spec.options.baseTimestamp + record.timestampDelta, offset };
  });
}
