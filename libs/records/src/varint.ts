/**
 * Varints (spec/kafka-facts.md §2): unsigned LEB128 — 7 data bits per byte, least significant
 * group first, 0x80 on every byte but the last — and the zig-zag signed forms RecordBatch v2
 * uses for every record field: `varint` (int32, 1–5 bytes) and `varlong` (int64, 1–10 bytes).
 *
 * Invariants:
 * - Writers take the value, then the position, and return the position after the last byte
 *   written (like Node's `buffer.writeInt32BE`); they throw RangeError for out-of-range input.
 * - Readers return `{ value, size }` (size = bytes consumed) and throw SamsaError(CORRUPT_MESSAGE)
 *   for a truncated varint or one whose 5th (int32) / 10th (int64) byte still has the
 *   continuation bit ("Varint is too long"), as Kafka does.
 * - varlongs are `number`s, exact below 2^53; a decoded varlong beyond that throws rather than
 *   rounding. The `…BigInt` readers and `bigint` writer input cover the full int64 range.
 *
 * {@link ByteReader} is the one decoding implementation; the record decoder uses it directly so
 * the hot path allocates nothing per field.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';

export interface VarintRead<T = number> {
  value: T;
  /** Bytes consumed. */
  size: number;
}

const INT32_MIN = -0x8000_0000;
const UINT32_LIMIT = 0x1_0000_0000;
/** Below this magnitude a zig-zag varlong fits 32 bits, so the int32 code path applies. */
const INT32_VARLONG_LIMIT = 2 ** 30;
/** Below this magnitude a zig-zag varlong fits 53 bits, so plain arithmetic is exact. */
const FAST_VARLONG_LIMIT = 2 ** 52;

/** A cursor over `buffer[position, end)` that decodes Kafka's primitive types. */
export class ByteReader {
  position: number;

  constructor(
    readonly buffer: Buffer,
    position: number,
    readonly end: number = buffer.length,
    private readonly errorCode: ErrorCode = ErrorCode.CORRUPT_MESSAGE,
  ) {
    this.position = position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  fail(message: string): never {
    throw new SamsaError(this.errorCode, message);
  }

  /** The next byte; fails at `end`. */
  private nextByte(what: string): number {
    if (this.position >= this.end) this.fail(`Buffer underflow reading ${what}`);
    return this.buffer[this.position++] ?? this.fail(`Buffer underflow reading ${what}`);
  }

  readInt8(): number {
    if (this.position >= this.end) this.fail('Buffer underflow reading int8');
    return ((this.buffer[this.position++] as number) << 24) >> 24;
  }

  /** Borrows `length` bytes (a subarray, not a copy). */
  readBytes(length: number): Buffer {
    if (length > this.end - this.position) this.fail(`Buffer underflow reading ${length} bytes`);
    const bytes = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return bytes;
  }

  /** Steps over `length` bytes (none for a negative length: a null field). */
  skip(length: number): void {
    if (length > this.end - this.position) this.fail(`Buffer underflow reading ${length} bytes`);
    if (length > 0) this.position += length;
  }

  /** Unsigned LEB128 of at most 5 bytes, as the raw 32 bits (signed int32 view). */
  private readRaw32(): number {
    const position = this.position;
    if (position < this.end) {
      const first = this.buffer[position] as number;
      if (first < 0x80) {
        this.position = position + 1;
        return first;
      }
    }
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.nextByte('varint');
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    return this.fail('Varint is too long, the most significant bit in the 5th byte is set');
  }

  readUnsignedVarint(): number {
    return this.readRaw32() >>> 0;
  }

  readVarint(): number {
    const raw = this.readRaw32();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Unsigned LEB128 of at most 10 bytes, reduced to 64 bits. */
  readUnsignedVarlongBigInt(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.nextByte('varlong');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    return this.fail('Varlong is too long, the most significant bit in the 10th byte is set');
  }

  readVarlongBigInt(): bigint {
    const raw = this.readUnsignedVarlongBigInt();
    return BigInt.asIntN(64, (raw >> 1n) ^ -(raw & 1n));
  }

  readUnsignedVarlong(): number {
    const start = this.position;
    const fast = this.readSmallUnsigned();
    if (fast >= 0) return fast;
    this.position = start;
    return this.toSafe(this.readUnsignedVarlongBigInt(), 'unsigned varlong');
  }

  readVarlong(): number {
    const start = this.position;
    const zigzag = this.readSmallUnsigned();
    if (zigzag >= 0) return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    this.position = start;
    return this.toSafe(this.readVarlongBigInt(), 'varlong');
  }

  /** Fast path: an unsigned LEB128 of at most 7 bytes (49 bits, exact as a number), else −1. */
  private readSmallUnsigned(): number {
    let result = 0;
    let multiplier = 1;
    for (let index = 0; index < 7; index++) {
      const byte = this.nextByte('varlong');
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
    }
    return -1;
  }

  private toSafe(value: bigint, what: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.fail(`${what} ${value} does not fit a safe integer`);
    }
    return Number(value);
  }
}

function read<T>(buffer: Buffer, position: number, decode: (reader: ByteReader) => T): VarintRead<T> {
  const reader = new ByteReader(buffer, position);
  const value = decode(reader);
  return { value, size: reader.position - position };
}

export const readVarint = (buffer: Buffer, position = 0): VarintRead => read(buffer, position, (r) => r.readVarint());
export const readUnsignedVarint = (buffer: Buffer, position = 0): VarintRead => read(buffer, position, (r) => r.readUnsignedVarint());
export const readVarlong = (buffer: Buffer, position = 0): VarintRead => read(buffer, position, (r) => r.readVarlong());
export const readUnsignedVarlong = (buffer: Buffer, position = 0): VarintRead => read(buffer, position, (r) => r.readUnsignedVarlong());
export const readVarlongBigInt = (buffer: Buffer, position = 0): VarintRead<bigint> =>
  read(buffer, position, (r) => r.readVarlongBigInt());
export const readUnsignedVarlongBigInt = (buffer: Buffer, position = 0): VarintRead<bigint> =>
  read(buffer, position, (r) => r.readUnsignedVarlongBigInt());

function checkInt32(value: number): void {
  if ((value | 0) !== value) throw new RangeError(`varint value must be an int32, got ${value}`);
}

function checkUint32(value: number): void {
  if (!Number.isInteger(value) || value < INT32_MIN || value >= UINT32_LIMIT) {
    throw new RangeError(`unsigned varint value must be a uint32 (or an int32 bit pattern), got ${value}`);
  }
}

function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

/** Writes a uint32 (0 ≤ value < 2^32) as LEB128. */
function writeRaw32(buffer: Buffer, value: number, position: number): number {
  let remaining = value >>> 0;
  while (remaining >= 0x80) {
    buffer[position++] = (remaining & 0x7f) | 0x80;
    remaining >>>= 7;
  }
  buffer[position++] = remaining;
  return position;
}

function sizeOfRaw32(value: number): number {
  const unsigned = value >>> 0;
  if (unsigned < 0x80) return 1;
  if (unsigned < 0x4000) return 2;
  if (unsigned < 0x20_0000) return 3;
  if (unsigned < 0x1000_0000) return 4;
  return 5;
}

/** Writes a non-negative safe integer as LEB128 with float arithmetic (exact below 2^53). */
function writeRawNumber(buffer: Buffer, value: number, position: number): number {
  let remaining = value;
  while (remaining >= 0x80) {
    buffer[position++] = (remaining % 0x80) | 0x80;
    remaining = Math.floor(remaining / 0x80);
  }
  buffer[position++] = remaining;
  return position;
}

function writeRawBigInt(buffer: Buffer, value: bigint, position: number): number {
  let remaining = value;
  while (remaining >= 0x80n) {
    buffer[position++] = Number(remaining & 0x7fn) | 0x80;
    remaining >>= 7n;
  }
  buffer[position++] = Number(remaining);
  return position;
}

function sizeOfRawBigInt(value: bigint): number {
  let size = 1;
  for (let remaining = value; remaining >= 0x80n; remaining >>= 7n) size++;
  return size;
}

/** The zig-zag encoding of an int64 as an unsigned 64-bit bigint. */
function zigzag64(value: bigint): bigint {
  if (BigInt.asIntN(64, value) !== value) throw new RangeError(`varlong value must be an int64, got ${value}`);
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}

function unsigned64(value: number | bigint): bigint {
  const big = BigInt(value);
  if (big < -(2n ** 63n) || big >= 2n ** 64n) throw new RangeError(`unsigned varlong value out of range: ${value}`);
  return BigInt.asUintN(64, big);
}

function isFastLong(value: number | bigint): value is number {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < FAST_VARLONG_LIMIT;
}

function checkLongNumber(value: number | bigint): void {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`varlong value must be a safe integer or a bigint, got ${value}`);
  }
}

function zigzagNumber(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function sizeOfVarint(value: number): number {
  checkInt32(value);
  return sizeOfRaw32(zigzag32(value));
}

export function writeVarint(buffer: Buffer, value: number, position: number): number {
  checkInt32(value);
  return writeRaw32(buffer, zigzag32(value), position);
}

/** Accepts 0 ≤ value < 2^32, or an int32 whose bit pattern is meant (−1 → 0xFFFFFFFF). */
export function sizeOfUnsignedVarint(value: number): number {
  checkUint32(value);
  return sizeOfRaw32(value);
}

export function writeUnsignedVarint(buffer: Buffer, value: number, position: number): number {
  checkUint32(value);
  return writeRaw32(buffer, value, position);
}

export function sizeOfVarlong(value: number | bigint): number {
  if (typeof value === 'number' && (value | 0) === value && value < INT32_VARLONG_LIMIT && value >= -INT32_VARLONG_LIMIT) {
    return sizeOfRaw32(zigzag32(value));
  }
  if (isFastLong(value)) return sizeOfRawNumber(zigzagNumber(value));
  checkLongNumber(value);
  return sizeOfRawBigInt(zigzag64(BigInt(value)));
}

export function writeVarlong(buffer: Buffer, value: number | bigint, position: number): number {
  if (typeof value === 'number' && (value | 0) === value && value < INT32_VARLONG_LIMIT && value >= -INT32_VARLONG_LIMIT) {
    return writeRaw32(buffer, zigzag32(value), position);
  }
  if (isFastLong(value)) return writeRawNumber(buffer, zigzagNumber(value), position);
  checkLongNumber(value);
  return writeRawBigInt(buffer, zigzag64(BigInt(value)), position);
}

/** Accepts 0 ≤ value < 2^64, or an int64 whose bit pattern is meant. */
export function sizeOfUnsignedVarlong(value: number | bigint): number {
  if (typeof value === 'number' && value >= 0 && Number.isSafeInteger(value)) return sizeOfRawNumber(value);
  checkLongNumber(value);
  return sizeOfRawBigInt(unsigned64(value));
}

export function writeUnsignedVarlong(buffer: Buffer, value: number | bigint, position: number): number {
  if (typeof value === 'number' && value >= 0 && Number.isSafeInteger(value)) return writeRawNumber(buffer, value, position);
  checkLongNumber(value);
  return writeRawBigInt(buffer, unsigned64(value), position);
}

function sizeOfRawNumber(value: number): number {
  let size = 1;
  for (let remaining = value; remaining >= 0x80; remaining = Math.floor(remaining / 0x80)) size++;
  return size;
}
