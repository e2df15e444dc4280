/**
 * Big-endian int64 fields as JS numbers. Offsets, timestamps and producer ids are int64 on the
 * wire; Samsa keeps them as `number`, which is exact only in [−(2^53 − 1), 2^53 − 1].
 *
 * Invariant: a read never loses precision silently — a value outside the safe range is reported
 * as CORRUPT_MESSAGE (no real offset or timestamp gets there), and a write refuses a non-safe
 * integer as a programming error.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';

const TWO_POW_32 = 0x1_0000_0000;
/** |high word| limit: 2^21 · 2^32 = 2^53. */
const HIGH_WORD_LIMIT = 0x20_0000;

/** Reads the int64 at `position`; throws CORRUPT_MESSAGE when it is not a safe integer. */
export function readInt64(buffer: Buffer, position: number, field = 'int64 field'): number {
  const high = buffer.readInt32BE(position);
  const low = buffer.readUInt32BE(position + 4);
  if (high >= HIGH_WORD_LIMIT || high < -HIGH_WORD_LIMIT) throw unsafe(field, buffer, position);
  const value = high * TWO_POW_32 + low;
  if (!Number.isSafeInteger(value)) throw unsafe(field, buffer, position);
  return value;
}

/** Writes `value` (a safe integer) as a big-endian int64; returns the position after it. */
export function writeInt64(buffer: Buffer, value: number, position: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int64 value must be a safe integer, got ${value}`);
  const high = Math.floor(value / TWO_POW_32);
  buffer.writeInt32BE(high, position);
  buffer.writeUInt32BE(value - high * TWO_POW_32, position + 4);
  return position + 8;
}

function unsafe(field: string, buffer: Buffer, position: number): SamsaError {
  const raw = buffer.readBigInt64BE(position);
  return new SamsaError(ErrorCode.CORRUPT_MESSAGE, `${field} ${raw} does not fit a safe integer`);
}
