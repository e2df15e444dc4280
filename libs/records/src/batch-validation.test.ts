import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { edited, withTrailingBytes } from './__tests__/surgery.js';
import { buildRecordBatch, type BatchOptions, type RecordInput } from './batch-builder.js';
import { validateBatchForAppend } from './batch-validation.js';
import { CompressionType, ControlRecordType } from './constants.js';
import { buildControlBatch, encodeControlKey, encodeEndTxnMarkerValue } from './control-record.js';
import { RecordBatchView } from './record-batch-view.js';
import { flipBits } from './__tests__/defined.js';

const TS = 1_700_000_000_000;
const records = (count: number): RecordInput[] => Array.from({ length: count }, (_, index) => ({ key: `k${index}`, value: `v${index}`, timestamp: TS + index }));
const build = (count = 3, options: BatchOptions = {}): Buffer => buildRecordBatch(records(count), options);

/** Validation must fail with `code` and leave every byte as it was. */
function expectRejected(batch: Buffer, code: ErrorCode, message?: RegExp, options?: { deep?: boolean }): void {
  const before = Buffer.from(batch);
  expect(() => validateBatchForAppend(new RecordBatchView(batch), options)).toThrow(
    expect.objectContaining({ code, ...(message === undefined ? {} : { message: expect.stringMatching(message) }) }),
  );
  expect(batch.equals(before)).toBe(true);
}

describe('validateBatchForAppend accepts', () => {
  it.each([CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD])(
    'a well-formed batch with codec %i, and leaves it untouched',
    (compression) => {
      const batch = build(5, { compression, producerId: 7, producerEpoch: 1, baseSequence: 0 });
      const before = Buffer.from(batch);
      expect(() => validateBatchForAppend(new RecordBatchView(batch))).not.toThrow();
      expect(batch.equals(before)).toBe(true);
    },
  );

  it('a batch at a position inside a larger buffer', () => {
    const batch = build();
    const buffer = Buffer.concat([Buffer.alloc(7, 0xaa), batch, Buffer.alloc(5, 0xbb)]);
    expect(() => validateBatchForAppend(new RecordBatchView(buffer, 7))).not.toThrow();
  });

  it('a transaction marker', () => {
    const marker = buildControlBatch({ type: ControlRecordType.ABORT, coordinatorEpoch: 1, producerId: 5, producerEpoch: 2, timestampMs: TS });
    expect(() => validateBatchForAppend(new RecordBatchView(marker))).not.toThrow();
  });
});

describe('validateBatchForAppend rejects with CORRUPT_MESSAGE', () => {
  it('a CRC mismatch', () => {
    const batch = build();
    flipBits(batch, batch.length - 2, 0xff);
    expectRejected(batch, ErrorCode.CORRUPT_MESSAGE, /crc/);
  });

  it('a stored CRC that was itself damaged', () => {
    const batch = build();
    batch.writeUInt32BE(batch.readUInt32BE(17) ^ 1, 17);
    expectRejected(batch, ErrorCode.CORRUPT_MESSAGE, /crc/);
  });

  it.each([0, 1, 3, -1])('magic %i', (magic) => {
    const batch = build();
    batch.writeInt8(magic, 16);
    expectRejected(batch, ErrorCode.CORRUPT_MESSAGE, /magic/);
  });

  it('a batch cut short (torn write)', () => {
    const batch = build();
    expectRejected(batch.subarray(0, batch.length - 1), ErrorCode.CORRUPT_MESSAGE, /Truncated/);
    expectRejected(batch.subarray(0, 10), ErrorCode.CORRUPT_MESSAGE, /Truncated/);
  });

  it('a batchLength below the 49-byte minimum', () => {
    const batch = build();
    batch.writeInt32BE(48, 8);
    expectRejected(batch, ErrorCode.CORRUPT_MESSAGE, /minimum/);
  });

  it('an int64 field beyond 2^53', () => {
    expectRejected(edited(build(), (copy) => copy.writeBigInt64BE(2n ** 60n, 27)), ErrorCode.CORRUPT_MESSAGE, /baseTimestamp/);
    const offset = build();
    offset.writeBigInt64BE(2n ** 62n, 0);
    expectRejected(offset, ErrorCode.CORRUPT_MESSAGE, /baseOffset/);
  });

  it('a compressed stream the codec cannot decode, even with a valid CRC', () => {
    const batch = build(3, { compression: CompressionType.GZIP });
    expectRejected(edited(batch, (copy) => copy.fill(0x41, 61)), ErrorCode.CORRUPT_MESSAGE, /decompress/);
  });
});

describe('validateBatchForAppend rejects with INVALID_RECORD', () => {
  it('recordsCount ≠ lastOffsetDelta + 1', () => {
    expectRejected(edited(build(3), (copy) => copy.writeInt32BE(4, 57)), ErrorCode.INVALID_RECORD, /recordsCount 4 but lastOffsetDelta 2/);
    expectRejected(build(3, { lastOffsetDelta: 5 }), ErrorCode.INVALID_RECORD, /recordsCount 3 but lastOffsetDelta 5/, { deep: false });
  });

  it('an empty batch', () => {
    expectRejected(buildRecordBatch([], { lastOffsetDelta: -1 }), ErrorCode.INVALID_RECORD, /at least one record/);
  });

  it('offset deltas that are not 0..lastOffsetDelta in order, compressed or not', () => {
    for (const compression of [CompressionType.NONE, CompressionType.ZSTD]) {
      const gapped = buildRecordBatch([{ value: 'a', timestamp: TS, offset: 0 }, { value: 'b', timestamp: TS, offset: 2 }], { compression });
      const batch = edited(gapped, (copy) => copy.writeInt32BE(1, 23));
      expectRejected(batch, ErrorCode.INVALID_RECORD, /offsetDelta 2/);
      expect(() => validateBatchForAppend(new RecordBatchView(batch), { deep: false })).not.toThrow();
    }
  });

  it('records starting at a delta other than 0', () => {
    const shifted = buildRecordBatch([{ value: 'a', timestamp: TS, offset: 1 }, { value: 'b', timestamp: TS, offset: 2 }]);
    expectRejected(edited(shifted, (copy) => copy.writeInt32BE(1, 23)), ErrorCode.INVALID_RECORD, /Record 0 has offsetDelta 1/);
  });

  it('bytes left after the last record', () => {
    expectRejected(withTrailingBytes(build(2), Buffer.from([0x00])), ErrorCode.INVALID_RECORD, /Incorrect declared batch size/);
  });

  it('a record whose declared length disagrees with its fields', () => {
    const batch = build(1);
    expect(batch[61]).toBe(0x14); // record length varint 10
    expectRejected(edited(batch, (copy) => (copy[61] = 0x12)), ErrorCode.INVALID_RECORD, /Invalid record size|Incorrect declared batch size/);
  });

  it('fewer records than recordsCount promises', () => {
    expectRejected(edited(build(1), (copy) => { copy.writeInt32BE(1, 23); copy.writeInt32BE(2, 57); }), ErrorCode.INVALID_RECORD, /underflow/);
  });

  it('an idempotent batch without a base sequence', () => {
    expectRejected(build(2, { producerId: 9, producerEpoch: 0, baseSequence: -1 }), ErrorCode.INVALID_RECORD, /baseSequence/);
  });

  it('a control batch with more than one record', () => {
    const control = buildRecordBatch(
      [0, 1].map(() => ({ key: encodeControlKey(ControlRecordType.COMMIT), value: encodeEndTxnMarkerValue(0), timestamp: TS })),
      { isControl: true, isTransactional: true, producerId: 1, producerEpoch: 0 },
    );
    expectRejected(control, ErrorCode.INVALID_RECORD, /exactly one record/, { deep: false });
  });

  it('a control batch whose record is not a marker', () => {
    const control = buildRecordBatch([{ key: 'nope', value: null, timestamp: TS }], { isControl: true, isTransactional: true, producerId: 1, producerEpoch: 0 });
    expectRejected(control, ErrorCode.INVALID_RECORD, /Control record/);
  });
});

describe('validateBatchForAppend rejects with UNSUPPORTED_COMPRESSION_TYPE', () => {
  it.each([5, 6, 7])('codec %i', (codec) => {
    expectRejected(edited(build(), (copy) => (copy[22] = codec)), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });
});
