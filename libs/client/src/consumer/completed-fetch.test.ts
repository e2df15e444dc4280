import { hasErrorCode } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { buildControlBatch, buildRecordBatch, COMPRESSION_CODECS, ControlRecordType, TimestampType } from '@samsa/records';
import { describe, expect, it } from 'vitest';
import { CompletedFetch, type CompletedFetchInput, type FetchedRecord } from './completed-fetch.js';

const T0 = 1_700_000_000_000;

function batch(baseOffset: number, values: string[], options: Parameters<typeof buildRecordBatch>[1] = {}): Buffer {
  return buildRecordBatch(
    values.map((value, i) => ({ key: `k-${value}`, value, timestamp: T0 + i, headers: [{ key: 'h', value: `hv-${value}` }] })),
    { baseOffset, partitionLeaderEpoch: 3, ...options },
  );
}

function txnBatch(baseOffset: number, producerId: number, values: string[]): Buffer {
  return batch(baseOffset, values, { producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true });
}

function marker(baseOffset: number, producerId: number, type: ControlRecordType): Buffer {
  return buildControlBatch({ type, coordinatorEpoch: 1, producerId, producerEpoch: 0, timestampMs: T0, baseOffset });
}

function completed(records: Buffer, input: Partial<CompletedFetchInput> = {}): CompletedFetch {
  return new CompletedFetch({ topic: 't', partition: 0, records, fetchOffset: 0, readCommitted: false, checkCrcs: true, ...input });
}

function taken<T>(fetch: CompletedFetch, max: number, convert: (record: FetchedRecord) => T): T[] {
  const out: T[] = [];
  expect(fetch.take(max, convert, out)).toBe(out.length);
  return out;
}
const values = (fetch: CompletedFetch, max = 1000) => taken(fetch, max, (record) => record.value?.toString());
const offsets = (fetch: CompletedFetch, max = 1000) => taken(fetch, max, (record) => record.offset);

describe('CompletedFetch', () => {
  it('decodes records with keys, values, headers, timestamps and the leader epoch, in order', () => {
    const fetch = completed(Buffer.concat([batch(0, ['a', 'b']), batch(2, ['c'])]));
    const records = taken(fetch, 10, (record) => ({ ...record })); // the record passed in is reused: copy it
    expect(records.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.headers[0]?.value?.toString()])).toEqual([
      [0, 'k-a', 'a', 'hv-a'],
      [1, 'k-b', 'b', 'hv-b'],
      [2, 'k-c', 'c', 'hv-c'],
    ]);
    expect(records[1]).toMatchObject<Partial<FetchedRecord>>({ timestamp: T0 + 1, timestampType: 'CreateTime', leaderEpoch: 3 });
    expect(fetch.isExhausted).toBe(true);
    expect(fetch.nextOffset).toBe(3);
    expect(fetch.endOffset).toBe(3);
  });

  it('skips the records of the first batch that lie below the fetch offset', () => {
    const fetch = completed(Buffer.concat([batch(10, ['a', 'b', 'c']), batch(13, ['d'])]), { fetchOffset: 12 });
    expect(fetch.nextOffset).toBe(12);
    expect(offsets(fetch)).toEqual([12, 13]);
    expect(fetch.endOffset).toBe(14);
  });

  it('skips a batch that ends below the fetch offset entirely', () => {
    const fetch = completed(Buffer.concat([batch(0, ['a', 'b']), batch(2, ['c'])]), { fetchOffset: 2 });
    expect(values(fetch)).toEqual(['c']);
  });

  it('hands out at most max records and continues where it stopped', () => {
    const fetch = completed(Buffer.concat([batch(0, ['a', 'b', 'c']), batch(3, ['d', 'e'])]));
    expect(values(fetch, 2)).toEqual(['a', 'b']);
    expect(fetch.nextOffset).toBe(2);
    expect(fetch.isExhausted).toBe(false);
    expect(values(fetch, 2)).toEqual(['c', 'd']);
    expect(fetch.nextOffset).toBe(4);
    expect(values(fetch, 2)).toEqual(['e']);
    expect(fetch.isExhausted).toBe(true);
    expect(values(fetch, 2)).toEqual([]);
  });

  it('moves past the end of a batch whose last offset delta exceeds its last record (compaction)', () => {
    const compacted = buildRecordBatch([{ value: 'x', timestamp: T0, offset: 5 }], { baseOffset: 5, lastOffsetDelta: 4 });
    const fetch = completed(compacted, { fetchOffset: 5 });
    expect(offsets(fetch)).toEqual([5]);
    expect(fetch.nextOffset).toBe(10);
  });

  it('never returns control records and advances past them', () => {
    const fetch = completed(Buffer.concat([txnBatch(0, 7, ['a']), marker(1, 7, ControlRecordType.COMMIT), batch(2, ['b']), marker(3, 9, ControlRecordType.ABORT)]));
    expect(values(fetch)).toEqual(['a', 'b']);
    expect(fetch.isExhausted).toBe(true);
    expect(fetch.nextOffset).toBe(4);
  });

  it('read_committed drops the batches of aborted transactions as Kafka fetchers do', () => {
    // pid 7 aborts its first transaction (10-11, marker 13), then commits a second (15, marker 16);
    // pid 8 commits 12 (marker 17); 14 is not transactional.
    const log = Buffer.concat([
      txnBatch(10, 7, ['7a', '7b']),
      txnBatch(12, 8, ['8a']),
      marker(13, 7, ControlRecordType.ABORT),
      batch(14, ['plain']),
      txnBatch(15, 7, ['7c']),
      marker(16, 7, ControlRecordType.COMMIT),
      marker(17, 8, ControlRecordType.COMMIT),
    ]);
    const aborted = [{ producerId: 7, firstOffset: 10 }];
    const committed = completed(log, { fetchOffset: 10, readCommitted: true, abortedTransactions: aborted });
    expect(values(committed)).toEqual(['8a', 'plain', '7c']);
    expect(committed.nextOffset).toBe(18);
    const uncommitted = completed(log, { fetchOffset: 10, readCommitted: false, abortedTransactions: [] });
    expect(values(uncommitted)).toEqual(['7a', '7b', '8a', 'plain', '7c']);
  });

  it('read_committed applies aborted entries only from their first offset on, whatever their order', () => {
    // pid 7's batch at 0 is committed data of an earlier transaction; its aborted transaction starts at 2.
    const log = Buffer.concat([txnBatch(0, 7, ['kept']), marker(1, 7, ControlRecordType.COMMIT), txnBatch(2, 7, ['dropped']), txnBatch(3, 9, ['dropped-9']), marker(4, 7, ControlRecordType.ABORT), marker(5, 9, ControlRecordType.ABORT)]);
    const fetch = completed(log, { readCommitted: true, abortedTransactions: [{ producerId: 9, firstOffset: 3 }, { producerId: 7, firstOffset: 2 }] });
    expect(values(fetch)).toEqual(['kept']);
    expect(fetch.nextOffset).toBe(6);
  });

  it.each(Object.entries(COMPRESSION_CODECS))('decodes %s batches', (_name, compression) => {
    const many = Array.from({ length: 50 }, (_, i) => `value-${i}-${'x'.repeat(i)}`);
    const fetch = completed(batch(100, many, { compression }), { fetchOffset: 120 });
    expect(values(fetch)).toEqual(many.slice(20));
  });

  it('reports LogAppendTime batches with the batch max timestamp', () => {
    const fetch = completed(batch(0, ['a'], { timestampType: TimestampType.LOG_APPEND_TIME, maxTimestamp: T0 + 999 }));
    expect(taken(fetch, 1, (record) => [record.timestampType, record.timestamp])).toEqual([['LogAppendTime', T0 + 999]]);
  });

  it('stops before a batch whose CRC does not match, returning what came before, and keeps failing there', () => {
    const bad = batch(2, ['c']);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    const fetch = completed(Buffer.concat([batch(0, ['a', 'b']), bad]));
    expect(values(fetch)).toEqual(['a', 'b']);
    expect(fetch.nextOffset).toBe(2);
    expect(() => values(fetch)).toThrowError(/CRC-32C/);
    let caught: unknown;
    try {
      values(fetch);
    } catch (error) {
      caught = error;
    }
    expect(hasErrorCode(caught, ErrorCode.CORRUPT_MESSAGE)).toBe(true);
    expect(fetch.nextOffset).toBe(2);
    expect(fetch.isExhausted).toBe(false);
  });

  it('skips the CRC check when checkCrcs is off', () => {
    const altered = batch(0, ['a']);
    altered.writeBigInt64BE(BigInt(T0 + 5), 27); // baseTimestamp: covered by the CRC, still decodable
    expect(() => values(completed(altered, { checkCrcs: true }))).toThrowError(/CRC-32C/);
    const fetch = completed(altered, { checkCrcs: false });
    expect(taken(fetch, 1, (record) => record.timestamp)).toEqual([T0 + 5]);
  });

  it('reports a truncated batch when it is reached, after the whole batches before it', () => {
    const whole = batch(0, ['a']);
    const fetch = completed(Buffer.concat([whole, batch(1, ['b']).subarray(0, 30)]));
    expect(fetch.endOffset).toBe(1);
    expect(values(fetch)).toEqual(['a']);
    expect(() => values(fetch)).toThrowError(/does not fit|truncated/);
  });

  it('keeps the position on a record the converter rejects, after handing out those before it', () => {
    const fetch = completed(batch(0, ['a', 'bad', 'c']));
    const convert = (record: FetchedRecord) => {
      if (record.value?.toString() === 'bad') throw new Error('cannot convert');
      return record.offset;
    };
    expect(taken(fetch, 10, convert)).toEqual([0]);
    expect(fetch.nextOffset).toBe(1);
    expect(() => taken(fetch, 10, convert)).toThrowError('cannot convert');
    expect(fetch.nextOffset).toBe(1);
  });

  it('treats an empty push as exhausted at the fetch offset', () => {
    const fetch = completed(Buffer.alloc(0), { fetchOffset: 42 });
    expect(fetch.isExhausted).toBe(true);
    expect(fetch.endOffset).toBe(42);
    expect(values(fetch)).toEqual([]);
  });
});
