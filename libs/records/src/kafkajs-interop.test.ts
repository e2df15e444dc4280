/**
 * KafkaJS 2.2.4 as an independent oracle for the RecordBatch v2 format, both directions.
 * Codecs cross-checked: NONE and GZIP — the only ones KafkaJS implements itself (snappy, lz4
 * and zstd need plug-in packages; wiring our own codecs into it would check us against us).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordSpec, type RecordSpec } from './__tests__/arbitraries.js';
import { KafkaJsCompressionTypes, kafkaJsDecodeBatch, kafkaJsEncodeBatch, type KafkaJsDecodedRecord } from './__tests__/kafkajs-oracle.js';
import { probeBatch } from './batch-probe.js';
import { buildRecordBatch } from './batch-builder.js';
import { CompressionType, ControlRecordType, TimestampType } from './constants.js';
import { buildControlBatch } from './control-record.js';
import { RecordBatchView } from './record-batch-view.js';
import { defined } from './__tests__/defined.js';

const TS = 1_700_000_000_000;
const CROSS_CHECKED = [CompressionType.NONE, CompressionType.GZIP];
/** KafkaJS keeps headers in an object: integer-like keys would reorder, so prefix them. */
const objectSafeHeaderKey = fc.string({ unit: 'grapheme', maxLength: 8 }).map((key) => `h-${key}`);

type Headers = Array<{ key: string; value: Buffer | null }>;

/** Our header list as KafkaJS's decoder folds it: one entry per key, repeated keys as arrays. */
function asKafkaJsHeaders(headers: Headers): Record<string, Buffer | null | Array<Buffer | null>> {
  const folded: Record<string, Buffer | null | Array<Buffer | null>> = {};
  for (const { key, value } of headers) {
    const previous = folded[key];
    folded[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return folded;
}

/** KafkaJS's header object as the list its encoder writes: keys in insertion order, array values in order. */
function fromKafkaJsHeaders(headers: Record<string, Buffer | Buffer[]>): Headers {
  return Object.entries(headers).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((item) => ({ key, value: item })));
}

const batchInput = fc.record({
  records: fc.array(recordSpec({ headerKey: objectSafeHeaderKey }), { minLength: 1, maxLength: 10 }),
  baseOffset: fc.integer({ min: 0, max: 2 ** 52 }),
  baseTimestamp: fc.integer({ min: 2 ** 40, max: 2 ** 45 }),
  compression: fc.constantFrom(...CROSS_CHECKED),
  producerId: fc.integer({ min: -1, max: 2 ** 52 }),
  producerEpoch: fc.integer({ min: -1, max: 2 ** 15 - 1 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  isTransactional: fc.boolean(),
});

function timestampsOf(records: RecordSpec[], baseTimestamp: number): number[] {
  return records.map((record) => baseTimestamp + record.timestampDelta);
}

describe('our batches decode in KafkaJS', () => {
  it('with identical header fields, keys, values, headers, timestamps and offsets (none, gzip)', async () => {
    await fc.assert(
      fc.asyncProperty(batchInput, async (input) => {
        const timestamps = timestampsOf(input.records, input.baseTimestamp);
        const batch = buildRecordBatch(
          input.records.map((record, index) => ({ key: record.key, value: record.value, headers: record.headers, timestamp: timestamps[index] })),
          input,
        );
        const decoded = await kafkaJsDecodeBatch(batch);
        expect({
          firstOffset: decoded.firstOffset, firstTimestamp: decoded.firstTimestamp, maxTimestamp: decoded.maxTimestamp,
          partitionLeaderEpoch: decoded.partitionLeaderEpoch, inTransaction: decoded.inTransaction, isControlBatch: decoded.isControlBatch,
          lastOffsetDelta: decoded.lastOffsetDelta, producerId: decoded.producerId, producerEpoch: decoded.producerEpoch, firstSequence: decoded.firstSequence,
        }).toEqual({
          firstOffset: String(input.baseOffset), firstTimestamp: String(input.baseTimestamp), maxTimestamp: String(Math.max(-1, ...timestamps)),
          partitionLeaderEpoch: input.partitionLeaderEpoch, inTransaction: input.isTransactional, isControlBatch: false,
          lastOffsetDelta: input.records.length - 1, producerId: String(input.producerId), producerEpoch: input.producerEpoch, firstSequence: input.baseSequence,
        });
        expect(decoded.records.map((record: KafkaJsDecodedRecord) => ({ offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value, headers: record.headers }))).toEqual(
          input.records.map((record, index) => ({
            offset: String(input.baseOffset + index),
            timestamp: String(timestamps[index]),
            key: record.key,
            value: record.value,
            headers: asKafkaJsHeaders(record.headers),
          })),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('with LogAppendTime stamped in place: KafkaJS reads maxTimestamp for every record', async () => {
    const batch = buildRecordBatch([{ value: 'a', timestamp: TS }, { value: 'b', timestamp: TS + 9 }], { compression: CompressionType.GZIP });
    new RecordBatchView(batch).stampLogAppendTime(TS + 1000);
    const decoded = await kafkaJsDecodeBatch(batch);
    expect(decoded.timestampType).toBe(1);
    expect(decoded.records.map((record) => record.timestamp)).toEqual([String(TS + 1000), String(TS + 1000)]);
  });

  it('as a control batch (transaction marker)', async () => {
    const marker = buildControlBatch({ type: ControlRecordType.COMMIT, coordinatorEpoch: 7, producerId: 1000, producerEpoch: 0, timestampMs: TS, baseOffset: 10 });
    const decoded = await kafkaJsDecodeBatch(marker);
    expect(decoded).toMatchObject({ isControlBatch: true, inTransaction: true, producerId: '1000', firstOffset: '10' });
    expect(decoded.records[0]).toMatchObject({ isControlRecord: true, key: Buffer.from('00000001', 'hex'), value: Buffer.from('000000000007', 'hex') });
  });
});

describe('KafkaJS batches decode in ours', () => {
  it('encodes spec Examples A and C byte-identically to our builder', async () => {
    const exampleA = await kafkaJsEncodeBatch({
      firstTimestamp: TS, maxTimestamp: TS, lastOffsetDelta: 0,
      records: [{ key: Buffer.from('key'), value: Buffer.from('value'), offsetDelta: 0, timestampDelta: 0 }],
    });
    expect(exampleA.equals(buildRecordBatch([{ key: 'key', value: 'value', timestamp: TS }]))).toBe(true);
    const exampleC = await kafkaJsEncodeBatch({
      firstTimestamp: TS, maxTimestamp: TS + 5, lastOffsetDelta: 1, producerId: 1000, producerEpoch: 0, firstSequence: 0,
      records: [
        { key: null, value: Buffer.from('hello'), headers: { h: Buffer.from('v') }, offsetDelta: 0, timestampDelta: 0 },
        { key: Buffer.from('k2'), value: null, offsetDelta: 1, timestampDelta: 5 },
      ],
    });
    const ours = buildRecordBatch(
      [{ key: null, value: 'hello', headers: [{ key: 'h', value: 'v' }], timestamp: TS }, { key: 'k2', value: null, timestamp: TS + 5 }],
      { producerId: 1000, producerEpoch: 0, baseSequence: 0 },
    );
    expect(exampleC.equals(ours)).toBe(true);
  });

  it('with a valid CRC and identical records (none, gzip)', async () => {
    await fc.assert(
      fc.asyncProperty(
        batchInput,
        fc.array(recordSpec({ headerKey: objectSafeHeaderKey, nullHeaderValues: false }), { minLength: 1, maxLength: 10 }),
        async (input, records) => {
          const timestamps = timestampsOf(records, input.baseTimestamp);
          const headerObjects = records.map((record) => asKafkaJsHeaders(record.headers) as Record<string, Buffer | Buffer[]>);
          const batch = await kafkaJsEncodeBatch({
            compression: input.compression === CompressionType.GZIP ? KafkaJsCompressionTypes.GZIP : KafkaJsCompressionTypes.None,
            firstOffset: input.baseOffset,
            firstTimestamp: input.baseTimestamp,
            maxTimestamp: Math.max(...timestamps),
            partitionLeaderEpoch: input.partitionLeaderEpoch,
            lastOffsetDelta: records.length - 1,
            transactional: input.isTransactional,
            producerId: input.producerId,
            producerEpoch: input.producerEpoch,
            firstSequence: input.baseSequence,
            records: records.map((record, index) => ({ key: record.key, value: record.value, headers: headerObjects[index], offsetDelta: index, timestampDelta: record.timestampDelta })),
          });
          const probe = probeBatch(batch, 0);
          expect(probe.kind).toBe('batch');
          const view = new RecordBatchView(batch);
          expect(view).toMatchObject({
            baseOffset: input.baseOffset, compression: input.compression, isTransactional: input.isTransactional, isControl: false,
            timestampType: TimestampType.CREATE_TIME, producerId: input.producerId, producerEpoch: input.producerEpoch,
            baseSequence: input.baseSequence, partitionLeaderEpoch: input.partitionLeaderEpoch, recordsCount: records.length,
            lastOffsetDelta: records.length - 1, baseTimestamp: input.baseTimestamp, sizeInBytes: batch.length,
          });
          expect([...view.records()]).toEqual(
            records.map((record, index) => ({
              offset: input.baseOffset + index, offsetDelta: index, timestamp: timestamps[index], timestampDelta: record.timestampDelta,
              attributes: 0, key: record.key, value: record.value, headers: fromKafkaJsHeaders(defined(headerObjects[index])),
            })),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
