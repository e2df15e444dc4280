import { ErrorCode } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iterateBatches, probeBatch } from './batch-probe.js';
import { buildRecordBatch } from './batch-builder.js';
import { CompressionType, RECORD_BATCH_HEADER_SIZE } from './constants.js';
import { defined, flipBits } from './__tests__/defined.js';

const TS = 1_700_000_000_000;
const batchOf = (values: string[], baseOffset = 0, compression = CompressionType.NONE): Buffer =>
  buildRecordBatch(values.map((value) => ({ value, timestamp: TS })), { baseOffset, compression });

/** How a log recovers: keep the valid prefix, stop at the first batch that is not whole and sound. */
function validPrefixLength(buffer: Buffer): number {
  let position = 0;
  for (;;) {
    if (position === buffer.length) return position;
    const probe = probeBatch(buffer, position);
    if (probe.kind !== 'batch') return position;
    position += probe.view.sizeInBytes;
  }
}

describe('probeBatch', () => {
  it('finds a whole, sound batch at any position', () => {
    const first = batchOf(['a', 'b']);
    const second = batchOf(['c'], 2);
    const buffer = Buffer.concat([first, second]);
    const probe = probeBatch(buffer, first.length);
    expect(probe.kind).toBe('batch');
    if (probe.kind === 'batch') {
      expect(probe.view.position).toBe(first.length);
      expect(probe.view.baseOffset).toBe(2);
      expect(probe.view.bytes().equals(second)).toBe(true);
    }
  });

  it('calls every cut of a batch incomplete, reporting what is there and what is needed', () => {
    const batch = batchOf(['hello', 'world'], 0, CompressionType.GZIP);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: batch.length - 1 }), (cut) => {
        const neededBytes = cut < 12 ? RECORD_BATCH_HEADER_SIZE : batch.length;
        expect(probeBatch(batch.subarray(0, cut), 0)).toEqual({ kind: 'incomplete', availableBytes: cut, neededBytes });
      }),
    );
  });

  it('calls a flipped bit anywhere under the CRC corrupt', () => {
    const batch = batchOf(['hello', 'world']);
    fc.assert(
      fc.property(fc.integer({ min: 21, max: batch.length - 1 }), fc.integer({ min: 0, max: 7 }), (index, bit) => {
        const damaged = Buffer.from(batch);
        flipBits(damaged, index, 1 << bit);
        const probe = probeBatch(damaged, 0);
        expect(probe.kind).toBe('corrupt');
        if (probe.kind === 'corrupt') expect(probe.error).toMatchObject({ code: ErrorCode.CORRUPT_MESSAGE, message: expect.stringMatching(/stored crc/) });
      }),
    );
  });

  it('calls a wrong magic corrupt', () => {
    const batch = batchOf(['x']);
    batch.writeInt8(1, 16);
    expect(probeBatch(batch, 0)).toMatchObject({ kind: 'corrupt', error: { code: ErrorCode.CORRUPT_MESSAGE, message: expect.stringMatching(/magic 1/) } });
  });

  it.each([0, 48, -1, -2147483648])('calls batchLength %i corrupt (below a bare header)', (batchLength) => {
    const batch = batchOf(['x']);
    batch.writeInt32BE(batchLength, 8);
    expect(probeBatch(batch, 0)).toMatchObject({ kind: 'corrupt', error: { code: ErrorCode.CORRUPT_MESSAGE } });
  });

  it('refuses a position outside the buffer', () => {
    expect(() => probeBatch(Buffer.alloc(4), 5)).toThrow(RangeError);
    expect(() => probeBatch(Buffer.alloc(4), -1)).toThrow(RangeError);
  });

  it('supports recovery: the valid prefix ends where a torn or damaged batch begins', () => {
    const batches = [batchOf(['a']), batchOf(['b', 'c'], 1), batchOf(['d'], 3)];
    const whole = Buffer.concat(batches);
    const keep = whole.length - defined(batches[2]).length;
    expect(validPrefixLength(whole)).toBe(whole.length);
    expect(validPrefixLength(whole.subarray(0, whole.length - 3))).toBe(keep);
    const damaged = Buffer.from(whole);
    flipBits(damaged, keep + 30, 0x10);
    expect(validPrefixLength(damaged)).toBe(keep);
  });
});

describe('iterateBatches', () => {
  it('yields nothing for an empty buffer', () => {
    expect([...iterateBatches(Buffer.alloc(0))]).toEqual([]);
  });

  it('yields every batch in order', () => {
    const buffer = Buffer.concat([batchOf(['a']), batchOf(['b', 'c'], 1, CompressionType.LZ4), batchOf(['d'], 3, CompressionType.SNAPPY)]);
    const views = [...iterateBatches(buffer)];
    expect(views.map((view) => [view.baseOffset, view.lastOffset])).toEqual([[0, 0], [1, 2], [3, 3]]);
    expect(views.flatMap((view) => [...view.records()].map((record) => [record.offset, record.value?.toString()]))).toEqual([
      [0, 'a'], [1, 'b'], [2, 'c'], [3, 'd'],
    ]);
  });

  it('yields the sound batches, then throws CORRUPT_MESSAGE at a torn tail', () => {
    const first = batchOf(['a']);
    const buffer = Buffer.concat([first, batchOf(['b'], 1)]).subarray(0, first.length + 20);
    const seen: number[] = [];
    expect(() => {
      for (const view of iterateBatches(buffer)) seen.push(view.baseOffset);
    }).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE, message: expect.stringMatching(/Incomplete record batch at position 69: 20 of/) }));
    expect(seen).toEqual([0]);
  });

  it('throws CORRUPT_MESSAGE at a damaged batch', () => {
    const buffer = Buffer.concat([batchOf(['a']), batchOf(['b'], 1)]);
    flipBits(buffer, buffer.length - 1, 0xff);
    expect(() => [...iterateBatches(buffer)]).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
  });
});
