import { describe, expect, it } from 'vitest';
import { buildRecordBatch, type RecordInput } from './batch-builder.js';
import { CompressionType } from './constants.js';
import { RecordBatchView } from './record-batch-view.js';
import { RecordBatchWriter } from './record-batch-writer.js';

const inputs: RecordInput[] = [
  { key: Buffer.from('k1'), value: Buffer.from('first value'), timestamp: 1_700_000_000_500, headers: [{ key: 'h', value: Buffer.from('x') }] },
  { key: null, value: Buffer.alloc(300, 7), timestamp: 1_700_000_000_100 },
  { key: 'string key', value: null, timestamp: 1_700_000_000_900, headers: [{ key: 'n', value: null }] },
];

function written(records: readonly RecordInput[], compression = CompressionType.NONE, capacity = 1 << 16): RecordBatchWriter {
  const writer = new RecordBatchWriter(capacity, compression);
  for (const record of records) expect(writer.tryAppend(record.timestamp as number, record.key ?? null, record.value ?? null, record.headers)).toBe(true);
  return writer;
}

describe('RecordBatchWriter', () => {
  it.each([CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD])('writes exactly what buildRecordBatch writes (compression %i)', (compression) => {
    const identity = { producerId: 42, producerEpoch: 3, baseSequence: 17 };
    const built = buildRecordBatch(inputs, { compression, ...identity });
    expect(Buffer.from(written(inputs, compression).finish(identity))).toEqual(built);
  });

  it('re-finishes with a new identity: header and CRC change, records do not', () => {
    const writer = written(inputs);
    writer.finish({ producerId: 1, producerEpoch: 0, baseSequence: 0 });
    const again = writer.finish({ producerId: 9, producerEpoch: 2, baseSequence: 5 });
    expect(Buffer.from(again)).toEqual(buildRecordBatch(inputs, { producerId: 9, producerEpoch: 2, baseSequence: 5 }));
    const view = new RecordBatchView(again);
    expect([view.producerId, view.baseSequence, view.crc === view.computeCrc()]).toEqual([9, 5, true]);
  });

  it('refuses a record past the capacity unless the batch is empty, and nothing after finish', () => {
    const writer = new RecordBatchWriter(100);
    expect(writer.tryAppend(1, null, Buffer.alloc(500), undefined)).toBe(true); // the first record always fits
    expect(writer.tryAppend(1, null, Buffer.alloc(1), undefined)).toBe(false);
    expect(writer.recordCount).toBe(1);
    writer.finish();
    expect(() => writer.tryAppend(1, null, null)).toThrow(/finished/);
  });
});
