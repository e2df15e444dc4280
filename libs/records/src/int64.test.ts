import { ErrorCode } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readInt64, writeInt64 } from './int64.js';

describe('int64 fields as numbers', () => {
  it('round-trips every safe integer, agreeing with Node BigInt64 encoding', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        const buffer = Buffer.alloc(8);
        expect(writeInt64(buffer, value, 0)).toBe(8);
        expect(buffer.readBigInt64BE(0)).toBe(BigInt(value));
        expect(readInt64(buffer, 0)).toBe(value);
      }),
    );
  });

  it.each([2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)])('throws CORRUPT_MESSAGE reading %s', (value) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64BE(value, 0);
    expect(() => readInt64(buffer, 0, 'baseOffset')).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE, message: `baseOffset ${value} does not fit a safe integer` }));
  });

  it('refuses to write a non-safe integer', () => {
    expect(() => writeInt64(Buffer.alloc(8), 2 ** 53, 0)).toThrow(RangeError);
    expect(() => writeInt64(Buffer.alloc(8), 0.5, 0)).toThrow(RangeError);
  });
});
