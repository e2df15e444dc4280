/**
 * spec/kafka-facts.md §1.8 worked examples, byte for byte: A and C are what KafkaJS encodes,
 * B is A after the leader stamped offset and epoch, D and E are COMMIT / ABORT markers.
 */
import { describe, expect, it } from 'vitest';
import { probeBatch } from './batch-probe.js';
import { buildRecordBatch } from './batch-builder.js';
import { validateBatchForAppend } from './batch-validation.js';
import { CompressionType, ControlRecordType, NO_SEQUENCE, TimestampType } from './constants.js';
import { buildControlBatch, readControlRecord } from './control-record.js';
import { RecordBatchView } from './record-batch-view.js';
import { defined } from './__tests__/defined.js';

const TS = 1_700_000_000_000;
const EXAMPLE_A =
  '000000000000000000000040ffffffff02db5e9cdd0000000000000000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff000000011c000000066b65790a76616c756500';
const EXAMPLE_B =
  '0000000000000064000000400000000502db5e9cdd0000000000000000018bcfe568000000018bcfe56800ffffffffffffffffffffffffffff000000011c000000066b65790a76616c756500';
const EXAMPLE_C =
  '00000000000000000000004affffffff0293eed9d20000000000010000018bcfe568000000018bcfe5680500000000000003e8000000000000000000021e000000010a68656c6c6f020268027610000a02046b320100';
const EXAMPLE_D =
  '000000000000000a000000420000000302dbc180da0030000000000000018bcfe568000000018bcfe5680000000000000003e80000ffffffff000000012000000008000000010c00000000000700';
const EXAMPLE_E =
  '000000000000000a0000004200000003022fff56920030000000000000018bcfe568000000018bcfe5680000000000000003e80000ffffffff000000012000000008000000000c00000000000700';

const bytes = (hex: string): Buffer => Buffer.from(hex, 'hex');
const text = (buffer: Buffer | null): string | null => (buffer === null ? null : buffer.toString('utf8'));

describe('Example A: one record from a non-idempotent producer', () => {
  it('encodes byte for byte', () => {
    expect(buildRecordBatch([{ key: 'key', value: 'value', timestamp: TS }]).toString('hex')).toBe(EXAMPLE_A);
  });

  it('decodes every header field', () => {
    const view = new RecordBatchView(bytes(EXAMPLE_A));
    expect({
      baseOffset: view.baseOffset, batchLength: view.batchLength, sizeInBytes: view.sizeInBytes,
      partitionLeaderEpoch: view.partitionLeaderEpoch, magic: view.magic, crc: view.crc, attributes: view.attributes,
      compression: view.compression, timestampType: view.timestampType, isTransactional: view.isTransactional, isControl: view.isControl,
      lastOffsetDelta: view.lastOffsetDelta, lastOffset: view.lastOffset, nextOffset: view.nextOffset, baseTimestamp: view.baseTimestamp,
      maxTimestamp: view.maxTimestamp, producerId: view.producerId, producerEpoch: view.producerEpoch, baseSequence: view.baseSequence,
      lastSequence: view.lastSequence, recordsCount: view.recordsCount,
    }).toEqual({
      baseOffset: 0, batchLength: 64, sizeInBytes: 76, partitionLeaderEpoch: -1, magic: 2, crc: 0xdb5e9cdd, attributes: 0,
      compression: CompressionType.NONE, timestampType: TimestampType.CREATE_TIME, isTransactional: false, isControl: false,
      lastOffsetDelta: 0, lastOffset: 0, nextOffset: 1, baseTimestamp: TS, maxTimestamp: TS, producerId: -1, producerEpoch: -1,
      baseSequence: NO_SEQUENCE, lastSequence: NO_SEQUENCE, recordsCount: 1,
    });
    expect(view.computeCrc()).toBe(3680410845);
  });

  it('decodes its record', () => {
    const [record, ...rest] = [...new RecordBatchView(bytes(EXAMPLE_A)).records()];
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ offset: 0, offsetDelta: 0, timestamp: TS, timestampDelta: 0, attributes: 0, headers: [] });
    expect(text(defined(record).key)).toBe('key');
    expect(text(defined(record).value)).toBe('value');
  });

  it('passes append validation', () => {
    expect(() => validateBatchForAppend(new RecordBatchView(bytes(EXAMPLE_A)))).not.toThrow();
  });
});

describe('Example B: Example A appended at offset 100 by a leader in epoch 5', () => {
  it('is Example A with only baseOffset and partitionLeaderEpoch rewritten; the CRC still holds', () => {
    const batch = bytes(EXAMPLE_A);
    const view = new RecordBatchView(batch);
    view.setBaseOffset(100);
    view.setPartitionLeaderEpoch(5);
    expect(batch.toString('hex')).toBe(EXAMPLE_B);
    expect(view.crc).toBe(0xdb5e9cdd);
    expect(probeBatch(batch, 0).kind).toBe('batch');
  });

  it('is also what the builder writes with that offset and epoch', () => {
    const built = buildRecordBatch([{ key: 'key', value: 'value', timestamp: TS }], { baseOffset: 100, partitionLeaderEpoch: 5 });
    expect(built.toString('hex')).toBe(EXAMPLE_B);
    expect(defined([...new RecordBatchView(built).records()][0]).offset).toBe(100);
  });
});

describe('Example C: idempotent producer, two records, a header, a null key and a null value', () => {
  const records = [
    { key: null, value: 'hello', headers: [{ key: 'h', value: 'v' }], timestamp: TS },
    { key: 'k2', value: null, timestamp: TS + 5 },
  ];

  it('encodes byte for byte', () => {
    expect(buildRecordBatch(records, { producerId: 1000, producerEpoch: 0, baseSequence: 0 }).toString('hex')).toBe(EXAMPLE_C);
  });

  it('decodes header and records', () => {
    const view = new RecordBatchView(bytes(EXAMPLE_C));
    expect(view).toMatchObject({ crc: 0x93eed9d2, producerId: 1000, producerEpoch: 0, baseSequence: 0, lastSequence: 1, lastOffsetDelta: 1 });
    expect(view.maxTimestamp).toBe(TS + 5);
    const decoded = [...view.records()].map((record) => ({ ...record, key: text(record.key), value: text(record.value), headers: record.headers.map((header) => ({ key: header.key, value: text(header.value) })) }));
    expect(decoded).toEqual([
      { offset: 0, offsetDelta: 0, timestamp: TS, timestampDelta: 0, attributes: 0, key: null, value: 'hello', headers: [{ key: 'h', value: 'v' }] },
      { offset: 1, offsetDelta: 1, timestamp: TS + 5, timestampDelta: 5, attributes: 0, key: 'k2', value: null, headers: [] },
    ]);
  });
});

describe.each([
  ['D', ControlRecordType.COMMIT, EXAMPLE_D, 0xdbc180da],
  ['E', ControlRecordType.ABORT, EXAMPLE_E, 0x2fff5692],
])('Example %s: transaction marker', (_name, type, hex, crc) => {
  const marker = { type, coordinatorEpoch: 7, producerId: 1000, producerEpoch: 0, timestampMs: TS, baseOffset: 10, partitionLeaderEpoch: 3 };

  it('encodes byte for byte', () => {
    expect(buildControlBatch(marker).toString('hex')).toBe(hex);
  });

  it('decodes as a transactional control batch holding the marker', () => {
    const view = new RecordBatchView(bytes(hex));
    expect(view).toMatchObject({ crc, attributes: 0x30, isControl: true, isTransactional: true, baseOffset: 10, partitionLeaderEpoch: 3, baseSequence: -1 });
    const [record] = [...view.records()];
    expect(readControlRecord(defined(record))).toEqual({ type, coordinatorEpoch: 7 });
    expect(() => validateBatchForAppend(view)).not.toThrow();
  });
});
