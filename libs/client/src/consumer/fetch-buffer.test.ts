import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { buildRecordBatch } from '@samsa/records';
import { describe, expect, it } from 'vitest';
import { CompletedFetch } from './completed-fetch.js';
import { FetchBuffer } from './fetch-buffer.js';

function push(fetchOffset: number, count: number): CompletedFetch {
  const records = buildRecordBatch(
    Array.from({ length: count }, (_, i) => ({ value: `v${fetchOffset + i}`, timestamp: 1 })),
    { baseOffset: fetchOffset },
  );
  return new CompletedFetch({ topic: 't', partition: 0, records, fetchOffset, readCommitted: false, checkCrcs: true });
}

describe('FetchBuffer', () => {
  it('counts bytes per partition and in total until pushes are consumed or dropped', () => {
    const buffer = new FetchBuffer();
    const a = push(0, 2);
    const b = push(2, 3);
    buffer.addRecords('p0', a);
    buffer.addRecords('p0', b);
    buffer.addRecords('p1', push(0, 1));
    expect(buffer.bytesOf('p0')).toBe(a.sizeInBytes + b.sizeInBytes);
    expect(buffer.totalBytes).toBe(a.sizeInBytes + b.sizeInBytes + buffer.bytesOf('p1'));
    buffer.shift('p0');
    expect(buffer.bytesOf('p0')).toBe(b.sizeInBytes);
    buffer.drop('p0');
    buffer.drop('p1');
    expect(buffer.totalBytes).toBe(0);
    expect(buffer.keys()).toEqual([]);
  });

  it('continues fetching after the last buffered push', () => {
    const buffer = new FetchBuffer();
    expect(buffer.endOffset('p0')).toBeUndefined();
    buffer.addRecords('p0', push(5, 2));
    buffer.addRecords('p0', push(7, 3));
    expect(buffer.endOffset('p0')).toBe(10);
  });

  it('blocks fetching behind a queued error until it is taken', () => {
    const buffer = new FetchBuffer();
    buffer.addRecords('p0', push(0, 1));
    buffer.addError('p0', new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, 'oor'));
    expect(buffer.isBlocked('p0')).toBe(true);
    expect(buffer.endOffset('p0')).toBeUndefined();
    expect(buffer.head('p0')?.kind).toBe('records');
    buffer.shift('p0');
    expect(buffer.head('p0')?.kind).toBe('error');
    buffer.shift('p0');
    expect(buffer.isBlocked('p0')).toBe(false);
    expect(buffer.hasData('p0')).toBe(false);
  });

  it('rotates partitions round-robin', () => {
    const buffer = new FetchBuffer();
    for (const key of ['a', 'b', 'c']) buffer.addRecords(key, push(0, 1));
    buffer.moveToBack('a');
    expect(buffer.keys()).toEqual(['b', 'c', 'a']);
    buffer.moveToBack('c');
    expect(buffer.keys()).toEqual(['b', 'a', 'c']);
  });
});
