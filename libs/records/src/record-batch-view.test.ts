import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { edited } from './__tests__/surgery.js';
import { buildRecordBatch } from './batch-builder.js';
import { CompressionType, TimestampType } from './constants.js';
import { RecordBatchView, incrementSequence } from './record-batch-view.js';
import { defined } from './__tests__/defined.js';

const TS = 1_700_000_000_000;
const build = (count: number, options = {}): Buffer =>
  buildRecordBatch(Array.from({ length: count }, (_, index) => ({ key: `k${index}`, value: `v${index}`, timestamp: TS + index })), options);

describe('RecordBatchView', () => {
  it('reads a batch at a position inside a larger buffer and returns exactly its bytes, shared not copied', () => {
    const batch = build(2, { baseOffset: 40 });
    const buffer = Buffer.concat([Buffer.alloc(9, 0xaa), batch, Buffer.alloc(3, 0xbb)]);
    const view = new RecordBatchView(buffer, 9);
    expect(view.baseOffset).toBe(40);
    expect(view.sizeInBytes).toBe(batch.length);
    const bytes = view.bytes();
    expect(bytes.equals(batch)).toBe(true);
    bytes[0] = 0x01;
    expect(buffer[9]).toBe(0x01);
  });

  it('derives lastOffset and nextOffset from baseOffset and lastOffsetDelta', () => {
    const view = new RecordBatchView(build(3, { baseOffset: 1000, lastOffsetDelta: 9 }));
    expect([view.lastOffsetDelta, view.lastOffset, view.nextOffset, view.recordsCount]).toEqual([9, 1009, 1010, 3]);
  });

  it('wraps lastSequence at INT32_MAX like Kafka (spec §1.3 example)', () => {
    const view = new RecordBatchView(build(4, { producerId: 3, producerEpoch: 0, baseSequence: 2147483646 }));
    expect(view.lastSequence).toBe(1);
    expect([0, 1, 2, 3].map((delta) => incrementSequence(2147483646, delta))).toEqual([2147483646, 2147483647, 0, 1]);
    expect(new RecordBatchView(build(4)).lastSequence).toBe(-1);
  });

  it('reads the attribute flags', () => {
    const view = new RecordBatchView(build(1, { compression: CompressionType.ZSTD, timestampType: TimestampType.LOG_APPEND_TIME, isTransactional: true }));
    expect(view.attributes).toBe(0x04 | 0x08 | 0x10);
    expect([view.compression, view.timestampType, view.isTransactional, view.isControl, view.hasDeleteHorizon]).toEqual([
      CompressionType.ZSTD, TimestampType.LOG_APPEND_TIME, true, false, false,
    ]);
    expect(new RecordBatchView(edited(build(1), (copy) => (copy[22] = 0x40))).hasDeleteHorizon).toBe(true);
  });

  it('reads producerId −1 and other negative int64s exactly', () => {
    const view = new RecordBatchView(build(1, { baseTimestamp: -5, maxTimestamp: -1 }));
    expect([view.producerId, view.hasProducerId, view.baseTimestamp, view.maxTimestamp]).toEqual([-1, false, -5, -1]);
  });

  it('throws CORRUPT_MESSAGE for int64 fields that do not fit a safe integer', () => {
    const batch = build(1);
    for (const [position, field] of [[0, 'baseOffset'], [27, 'baseTimestamp'], [35, 'maxTimestamp'], [43, 'producerId']] as const) {
      const damaged = Buffer.from(batch);
      damaged.writeBigInt64BE(-(2n ** 53n), position);
      const view = new RecordBatchView(damaged);
      expect(() => view[field]).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE, message: expect.stringMatching(field) }));
    }
    const edge = Buffer.from(batch);
    edge.writeBigInt64BE(2n ** 53n - 1n, 0);
    expect(new RecordBatchView(edge).baseOffset).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses to store an offset that is not a safe integer', () => {
    expect(() => new RecordBatchView(build(1)).setBaseOffset(2 ** 53)).toThrow(RangeError);
  });

  it('decodes LogAppendTime batches with maxTimestamp as every record timestamp', () => {
    const view = new RecordBatchView(build(3, { timestampType: TimestampType.LOG_APPEND_TIME, maxTimestamp: TS + 500 }));
    expect([...view.records()].map((record) => [record.timestamp, record.timestampDelta])).toEqual([[TS + 500, 0], [TS + 500, 1], [TS + 500, 2]]);
  });

  it('yields records lazily: the ones before a damaged record come out first', () => {
    const batch = build(3);
    const damaged = edited(batch, (copy) => (copy[copy.length - 4] = 0x7f)); // the last record's value length: −64
    const records = new RecordBatchView(damaged).records();
    expect(records.next().value?.key?.toString()).toBe('k0');
    expect(records.next().value?.key?.toString()).toBe('k1');
    expect(() => records.next()).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_RECORD }));
  });

  it('hands out keys and values that alias the batch bytes when uncompressed', () => {
    const batch = build(1);
    const [record] = [...new RecordBatchView(batch).records()];
    expect(defined(defined(record).key).buffer).toBe(batch.buffer);
  });

  it('decompresses once per view', () => {
    const view = new RecordBatchView(build(3, { compression: CompressionType.GZIP }));
    const first = [...view.records()];
    const second = [...view.records()];
    expect(defined(second[0]?.value).buffer).toBe(defined(first[0]?.value).buffer);
    expect(defined(first[0]?.value).buffer).not.toBe(view.buffer.buffer);
  });

  it('refuses to decode records of a view whose batch is not all there', () => {
    const batch = build(2);
    expect(() => [...new RecordBatchView(batch.subarray(0, batch.length - 1)).records()]).toThrow(
      expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }),
    );
  });

  it('computeCrc covers attributes to the end, and isCrcValid compares it with the stored one', () => {
    const batch = build(2);
    const view = new RecordBatchView(batch);
    expect(view.isCrcValid()).toBe(true);
    batch.writeInt16BE(0x10, 21);
    expect(view.isCrcValid()).toBe(false);
  });
});
