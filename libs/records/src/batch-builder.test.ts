import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { probeBatch } from './batch-probe.js';
import { buildRecordBatch } from './batch-builder.js';
import { CompressionType, TimestampType } from './constants.js';
import { decompress } from './compression.js';
import { RecordBatchView } from './record-batch-view.js';
import { defined } from './__tests__/defined.js';

const TS = 1_700_000_000_000;
const invalidRecord = (message: RegExp) => expect.objectContaining({ code: ErrorCode.INVALID_RECORD, message: expect.stringMatching(message) });

describe('buildRecordBatch', () => {
  it('writes a producer batch by default: offsets from 0, no producer, epoch −1, CreateTime, no compression', () => {
    const view = new RecordBatchView(buildRecordBatch([{ value: 'a', timestamp: TS }, { value: 'b', timestamp: TS }]));
    expect(view).toMatchObject({
      baseOffset: 0, partitionLeaderEpoch: -1, magic: 2, attributes: 0, lastOffsetDelta: 1, producerId: -1, producerEpoch: -1,
      baseSequence: -1, recordsCount: 2,
    });
    expect([...view.records()].map((record) => record.offsetDelta)).toEqual([0, 1]);
  });

  it('sets the attribute bits it is asked for', () => {
    const view = new RecordBatchView(
      buildRecordBatch([{ value: 'a', timestamp: TS }], {
        compression: CompressionType.SNAPPY, timestampType: TimestampType.LOG_APPEND_TIME, isTransactional: true, isControl: true,
      }),
    );
    expect(view.attributes).toBe(0x02 | 0x08 | 0x10 | 0x20);
  });

  it('keeps absolute offsets as deltas from baseOffset (a compacted batch)', () => {
    const view = new RecordBatchView(
      buildRecordBatch([{ value: 'a', timestamp: TS, offset: 101 }, { value: 'c', timestamp: TS, offset: 105 }], { baseOffset: 100, lastOffsetDelta: 9 }),
    );
    expect([...view.records()].map((record) => [record.offset, record.offsetDelta])).toEqual([[101, 1], [105, 5]]);
    expect([view.lastOffset, view.recordsCount]).toEqual([109, 2]);
  });

  it('continues from the previous delta for records without an offset', () => {
    const view = new RecordBatchView(buildRecordBatch([{ value: 'a', timestamp: TS, offset: 3 }, { value: 'b', timestamp: TS }]));
    expect([...view.records()].map((record) => record.offset)).toEqual([3, 4]);
  });

  it('rejects offsets that do not strictly increase or fall below baseOffset', () => {
    expect(() => buildRecordBatch([{ timestamp: TS, offset: 5 }, { timestamp: TS, offset: 5 }])).toThrow(invalidRecord(/Record 1 offsetDelta 5 must be/));
    expect(() => buildRecordBatch([{ timestamp: TS, offset: 4 }], { baseOffset: 5 })).toThrow(invalidRecord(/offsetDelta -1/));
    expect(() => buildRecordBatch([{ timestamp: TS, offset: 2 ** 31 }])).toThrow(invalidRecord(/int32/));
  });

  it('rejects a lastOffsetDelta below the last record', () => {
    expect(() => buildRecordBatch([{ timestamp: TS }, { timestamp: TS }], { lastOffsetDelta: 0 })).toThrow(invalidRecord(/lastOffsetDelta 0/));
  });

  it('takes timestamps from the records, else the default, else refuses', () => {
    const view = new RecordBatchView(buildRecordBatch([{ value: 'a' }, { value: 'b', timestamp: TS + 7 }, { value: 'c', timestamp: TS - 3 }], { defaultTimestampMs: TS }));
    expect([view.baseTimestamp, view.maxTimestamp]).toEqual([TS, TS + 7]);
    expect([...view.records()].map((record) => [record.timestamp, record.timestampDelta])).toEqual([[TS, 0], [TS + 7, 7], [TS - 3, -3]]);
    expect(() => buildRecordBatch([{ value: 'a', timestamp: TS }, { value: 'b' }])).toThrow(invalidRecord(/Record 1 has no timestamp/));
  });

  it('keeps baseTimestamp and maxTimestamp overrides (compaction keeps the originals)', () => {
    const view = new RecordBatchView(buildRecordBatch([{ value: 'a', timestamp: TS + 10 }], { baseTimestamp: TS, maxTimestamp: TS + 99 }));
    expect([view.baseTimestamp, view.maxTimestamp]).toEqual([TS, TS + 99]);
    expect([...view.records()][0]).toMatchObject({ timestamp: TS + 10, timestampDelta: 10 });
  });

  it('writes an empty batch as a bare uncompressed header that keeps the producer and offset range', () => {
    expect(() => buildRecordBatch([])).toThrow(invalidRecord(/explicit lastOffsetDelta/));
    const batch = buildRecordBatch([], { baseOffset: 50, lastOffsetDelta: 4, maxTimestamp: TS, producerId: 8, producerEpoch: 1, baseSequence: 20, compression: CompressionType.ZSTD });
    expect(batch.length).toBe(61);
    const probe = probeBatch(batch, 0);
    expect(probe.kind).toBe('batch');
    const view = new RecordBatchView(batch);
    expect(view).toMatchObject({ recordsCount: 0, lastOffset: 54, baseTimestamp: -1, maxTimestamp: TS, compression: CompressionType.NONE, lastSequence: 24 });
    expect([...view.records()]).toEqual([]);
  });

  it('encodes string and Buffer keys, values and headers as the same UTF-8 bytes', () => {
    const fromStrings = buildRecordBatch([{ key: 'ключ', value: '値', headers: [{ key: 'ü', value: 'x' }, { key: 'ü', value: null }], timestamp: TS }]);
    const fromBuffers = buildRecordBatch([
      { key: Buffer.from('ключ'), value: Buffer.from('値'), headers: [{ key: 'ü', value: Buffer.from('x') }, { key: 'ü', value: null }], timestamp: TS },
    ]);
    expect(fromStrings.equals(fromBuffers)).toBe(true);
    const [record] = [...new RecordBatchView(fromStrings).records()];
    expect(defined(record).headers).toEqual([{ key: 'ü', value: Buffer.from('x') }, { key: 'ü', value: null }]);
  });

  it('tells a null key or value from an empty one', () => {
    const [nulls, empties, missing] = [...new RecordBatchView(buildRecordBatch([{ key: null, value: null, timestamp: TS }, { key: '', value: Buffer.alloc(0), timestamp: TS }, { timestamp: TS }])).records()];
    expect([defined(nulls).key, defined(nulls).value]).toEqual([null, null]);
    expect([defined(empties).key, defined(empties).value]).toEqual([Buffer.alloc(0), Buffer.alloc(0)]);
    expect([defined(missing).key, defined(missing).value]).toEqual([null, null]);
  });

  it.each([CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD])(
    'compresses the records section as a whole with codec %i, leaving the header and recordsCount plain',
    (compression) => {
      const records = Array.from({ length: 50 }, (_, index) => ({ key: `key-${index}`, value: 'v'.repeat(100), timestamp: TS + index }));
      const plain = buildRecordBatch(records);
      const compressed = buildRecordBatch(records, { compression });
      expect(compressed.length).toBeLessThan(plain.length);
      expect(compressed.readInt32BE(57)).toBe(50);
      expect(decompress(compression, compressed.subarray(61)).equals(plain.subarray(61))).toBe(true);
      expect(compressed.subarray(23, 57).equals(plain.subarray(23, 57))).toBe(true);
    },
  );

  it('builds a batch of ten thousand records', () => {
    const records = Array.from({ length: 10_000 }, (_, index) => ({ value: String(index), timestamp: TS }));
    const view = new RecordBatchView(buildRecordBatch(records, { compression: CompressionType.LZ4 }));
    expect(view.lastOffsetDelta).toBe(9999);
    expect(defined([...view.records()].at(-1)?.value).toString()).toBe('9999');
  });
});
