import { ErrorCode } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kafkaJsUnsignedVarint, kafkaJsVarint, kafkaJsVarlong } from './__tests__/kafkajs-oracle.js';
import {
  readUnsignedVarint,
  readUnsignedVarlong,
  readUnsignedVarlongBigInt,
  readVarint,
  readVarlong,
  readVarlongBigInt,
  sizeOfUnsignedVarint,
  sizeOfUnsignedVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeUnsignedVarint,
  writeUnsignedVarlong,
  writeVarint,
  writeVarlong,
} from './varint.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function encode(write: (buffer: Buffer, position: number) => number): Buffer {
  const buffer = Buffer.alloc(16, 0xee);
  return buffer.subarray(0, write(buffer, 0));
}

/** spec/kafka-facts.md §2.2 (Kafka ByteUtilsTest), zig-zag varint. */
const SIGNED_VECTORS: Array<[number, string]> = [
  [0, '00'], [-1, '01'], [1, '02'], [63, '7e'], [-64, '7f'], [64, '80 01'], [-65, '81 01'],
  [8191, 'fe 7f'], [-8192, 'ff 7f'], [8192, '80 80 01'], [-8193, '81 80 01'], [1048575, 'fe ff 7f'],
  [1048576, '80 80 80 01'], [134217728, '80 80 80 80 01'], [2147483647, 'fe ff ff ff 0f'], [-2147483648, 'ff ff ff ff 0f'],
];

/** §2.2 varlong extras (Kafka) and ours. */
const VARLONG_VECTORS: Array<[bigint, string]> = [
  [17179869184n, '80 80 80 80 80 01'],
  [9223372036854775807n, 'fe ff ff ff ff ff ff ff ff 01'],
  [-9223372036854775808n, 'ff ff ff ff ff ff ff ff ff 01'],
  [1700000000000n, '80 a0 ab fe f9 62'],
  [150n, 'ac 02'],
  [300n, 'd8 04'],
];

/** §2.1/§2.2 unsigned varint vectors: [input, bytes, value read back as uint32]. */
const UNSIGNED_VECTORS: Array<[number, string, number]> = [
  [0, '00', 0], [1, '01', 1], [63, '3f', 63], [64, '40', 64], [8191, 'ff 3f', 8191], [8192, '80 40', 8192],
  [1048575, 'ff ff 3f', 1048575], [1048576, '80 80 40', 1048576], [-1, 'ff ff ff ff 0f', 0xffffffff],
  [2147483647, 'ff ff ff ff 07', 2147483647], [-2147483648, '80 80 80 80 08', 0x80000000],
  [127, '7f', 127], [128, '80 01', 128], [300, 'ac 02', 300],
];

describe('zig-zag varint (int32)', () => {
  it.each(SIGNED_VECTORS)('encodes %d as %s and reads it back', (value, bytes) => {
    expect(encode((buffer, position) => writeVarint(buffer, value, position)).toString('hex')).toBe(hex(bytes).toString('hex'));
    expect(sizeOfVarint(value)).toBe(hex(bytes).length);
    expect(readVarint(hex(bytes))).toEqual({ value, size: hex(bytes).length });
  });

  it('reads at a position and reports the bytes consumed', () => {
    expect(readVarint(hex('ff ff 80 01 ff'), 2)).toEqual({ value: 64, size: 2 });
  });

  it('rejects a varint whose 5th byte still has the continuation bit', () => {
    expect(() => readVarint(hex('ff ff ff ff ff 01'))).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE, message: expect.stringMatching(/too long/) }));
  });

  it('rejects a truncated varint', () => {
    expect(() => readVarint(hex('80 80'))).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
  });

  it('refuses to write a value that is not an int32', () => {
    expect(() => writeVarint(Buffer.alloc(8), 2 ** 31, 0)).toThrow(RangeError);
    expect(() => sizeOfVarint(1.5)).toThrow(RangeError);
  });

  it('round-trips every int32 and matches the KafkaJS encoder byte for byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => {
        const bytes = encode((buffer, position) => writeVarint(buffer, value, position));
        expect(bytes.equals(kafkaJsVarint(value))).toBe(true);
        expect(sizeOfVarint(value)).toBe(bytes.length);
        expect(readVarint(bytes)).toEqual({ value, size: bytes.length });
      }),
    );
  });
});

describe('zig-zag varlong (int64)', () => {
  it.each(SIGNED_VECTORS)('encodes int32 value %d exactly like the varint (%s)', (value, bytes) => {
    expect(encode((buffer, position) => writeVarlong(buffer, value, position)).equals(hex(bytes))).toBe(true);
    expect(readVarlong(hex(bytes))).toEqual({ value, size: hex(bytes).length });
  });

  it.each(VARLONG_VECTORS)('encodes %s as %s and reads it back', (value, bytes) => {
    expect(encode((buffer, position) => writeVarlong(buffer, value, position)).equals(hex(bytes))).toBe(true);
    expect(sizeOfVarlong(value)).toBe(hex(bytes).length);
    expect(readVarlongBigInt(hex(bytes))).toEqual({ value, size: hex(bytes).length });
  });

  it('reads safe values as numbers, and refuses to round an unsafe one', () => {
    expect(readVarlong(hex('80 a0 ab fe f9 62')).value).toBe(1700000000000);
    expect(encode((buffer, position) => writeVarlong(buffer, 1700000000000, position)).equals(hex('80 a0 ab fe f9 62'))).toBe(true);
    expect(() => readVarlong(hex('fe ff ff ff ff ff ff ff ff 01'))).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
    expect(() => writeVarlong(Buffer.alloc(10), 2 ** 60, 0)).toThrow(RangeError);
    expect(() => writeVarlong(Buffer.alloc(10), 2n ** 63n, 0)).toThrow(RangeError);
  });

  it('rejects a varlong whose 10th byte still has the continuation bit', () => {
    expect(() => readVarlong(hex('ff ff ff ff ff ff ff ff ff 81 01'))).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE, message: expect.stringMatching(/too long/) }));
  });

  it('round-trips every int64 as a bigint and matches the KafkaJS encoder', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        const bytes = encode((buffer, position) => writeVarlong(buffer, value, position));
        expect(bytes.equals(kafkaJsVarlong(value))).toBe(true);
        expect(sizeOfVarlong(value)).toBe(bytes.length);
        expect(readVarlongBigInt(bytes)).toEqual({ value, size: bytes.length });
      }),
    );
  });

  it('round-trips every safe integer as a number, fast path and slow path alike', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 })), (value) => {
        const bytes = encode((buffer, position) => writeVarlong(buffer, value, position));
        expect(bytes.equals(kafkaJsVarlong(BigInt(value)))).toBe(true);
        expect(sizeOfVarlong(value)).toBe(bytes.length);
        expect(readVarlong(bytes)).toEqual({ value, size: bytes.length });
      }),
    );
  });
});

describe('unsigned varint', () => {
  it.each(UNSIGNED_VECTORS)('encodes %d as %s', (value, bytes, readBack) => {
    expect(encode((buffer, position) => writeUnsignedVarint(buffer, value, position)).equals(hex(bytes))).toBe(true);
    expect(sizeOfUnsignedVarint(value)).toBe(hex(bytes).length);
    expect(readUnsignedVarint(hex(bytes))).toEqual({ value: readBack, size: hex(bytes).length });
  });

  it('matches the KafkaJS unsigned encoder and round-trips every uint32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (value) => {
        const bytes = encode((buffer, position) => writeUnsignedVarint(buffer, value, position));
        expect(bytes.equals(kafkaJsUnsignedVarint(value))).toBe(true);
        expect(readUnsignedVarint(bytes)).toEqual({ value, size: bytes.length });
      }),
    );
  });

  it('rejects values outside 32 bits and over-long encodings', () => {
    expect(() => writeUnsignedVarint(Buffer.alloc(8), 2 ** 32, 0)).toThrow(RangeError);
    expect(() => readUnsignedVarint(hex('ff ff ff ff ff 01'))).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
  });
});

describe('unsigned varlong', () => {
  it('encodes 64-bit values, int64 bit patterns included', () => {
    expect(encode((buffer, position) => writeUnsignedVarlong(buffer, 300, position)).equals(hex('ac 02'))).toBe(true);
    expect(encode((buffer, position) => writeUnsignedVarlong(buffer, -1n, position)).equals(hex('ff ff ff ff ff ff ff ff ff 01'))).toBe(true);
    expect(sizeOfUnsignedVarlong(2n ** 64n - 1n)).toBe(10);
    expect(readUnsignedVarlongBigInt(hex('ff ff ff ff ff ff ff ff ff 01'))).toEqual({ value: 2n ** 64n - 1n, size: 10 });
    expect(() => readUnsignedVarlong(hex('ff ff ff ff ff ff ff ff ff 01'))).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
  });

  it('round-trips every safe non-negative integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (value) => {
        const bytes = encode((buffer, position) => writeUnsignedVarlong(buffer, value, position));
        expect(sizeOfUnsignedVarlong(value)).toBe(bytes.length);
        expect(readUnsignedVarlong(bytes)).toEqual({ value, size: bytes.length });
        expect(readUnsignedVarlongBigInt(bytes).value).toBe(BigInt(value));
      }),
    );
  });
});
