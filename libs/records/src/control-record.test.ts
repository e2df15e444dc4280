import { ErrorCode } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRecordBatch } from './batch-builder.js';
import { ControlRecordType, TimestampType } from './constants.js';
import { buildControlBatch, encodeControlKey, encodeEndTxnMarkerValue, readControlRecord, readControlRecordType } from './control-record.js';
import type { DecodedRecord } from './record-codec.js';
import { RecordBatchView } from './record-batch-view.js';
import { defined } from './__tests__/defined.js';

const TS = 1_700_000_000_000;

function controlRecord(key: Buffer | null, value: Buffer | null): DecodedRecord {
  return { offset: 0, offsetDelta: 0, timestamp: TS, timestampDelta: 0, attributes: 0, key, value, headers: [] };
}

describe('buildControlBatch → readControlRecord', () => {
  it('round-trips the marker type and coordinator epoch', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(ControlRecordType.ABORT, ControlRecordType.COMMIT),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 2 ** 52 }),
        fc.integer({ min: 0, max: 2 ** 15 - 1 }),
        (type, coordinatorEpoch, producerId, producerEpoch) => {
          const view = new RecordBatchView(buildControlBatch({ type, coordinatorEpoch, producerId, producerEpoch, timestampMs: TS }));
          const records = [...view.records()];
          expect(records).toHaveLength(1);
          expect(readControlRecord(defined(records[0]))).toEqual({ type, coordinatorEpoch });
          expect(view).toMatchObject({ producerId, producerEpoch });
        },
      ),
    );
  });

  it('writes one record in a transactional control batch, CreateTime, baseSequence −1, uncompressed', () => {
    const view = new RecordBatchView(buildControlBatch({ type: ControlRecordType.COMMIT, coordinatorEpoch: 4, producerId: 12, producerEpoch: 3, timestampMs: TS }));
    expect(view).toMatchObject({
      attributes: 0x30, isControl: true, isTransactional: true, timestampType: TimestampType.CREATE_TIME, baseSequence: -1,
      recordsCount: 1, lastOffsetDelta: 0, baseOffset: 0, partitionLeaderEpoch: -1, baseTimestamp: TS, maxTimestamp: TS,
    });
    const [record] = [...view.records()];
    expect(defined(record).key).toEqual(Buffer.from('00000001', 'hex'));
    expect(defined(record).value).toEqual(Buffer.from('000000000004', 'hex'));
  });
});

describe('readControlRecord', () => {
  it('parses a newer key or value version as version 0', () => {
    const key = Buffer.from('00030000', 'hex');
    const value = Buffer.from('0001000000090000', 'hex');
    expect(readControlRecord(controlRecord(key, value))).toEqual({ type: ControlRecordType.ABORT, coordinatorEpoch: 9 });
  });

  it('reports the raw type of non-marker control records (KRaft types)', () => {
    expect(readControlRecordType(controlRecord(encodeControlKey(3), null))).toBe(3);
    expect(() => readControlRecord(controlRecord(encodeControlKey(3), encodeEndTxnMarkerValue(0)))).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_RECORD, message: expect.stringMatching(/not a transaction marker/) }),
    );
  });

  it.each([
    ['a null key', null, encodeEndTxnMarkerValue(1)],
    ['a short key', Buffer.from('0000', 'hex'), encodeEndTxnMarkerValue(1)],
    ['a negative key version', Buffer.from('ffff0001', 'hex'), encodeEndTxnMarkerValue(1)],
    ['a null value', encodeControlKey(ControlRecordType.COMMIT), null],
    ['a short value', encodeControlKey(ControlRecordType.COMMIT), Buffer.from('000000', 'hex')],
    ['a negative value version', encodeControlKey(ControlRecordType.COMMIT), Buffer.from('ffff00000001', 'hex')],
  ])('rejects %s as INVALID_RECORD', (_name, key, value) => {
    expect(() => readControlRecord(controlRecord(key, value))).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_RECORD }));
  });

  it('reads a marker from a batch built by hand, like any other record', () => {
    const batch = buildRecordBatch([{ key: encodeControlKey(ControlRecordType.ABORT), value: encodeEndTxnMarkerValue(77), timestamp: TS }], {
      isControl: true, isTransactional: true, producerId: 1, producerEpoch: 0,
    });
    expect(readControlRecord(defined([...new RecordBatchView(batch).records()][0]))).toEqual({ type: ControlRecordType.ABORT, coordinatorEpoch: 77 });
  });
});
