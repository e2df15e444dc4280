/**
 * CRC-32C (Castagnoli; reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF), the
 * checksum of RecordBatch v2 (spec/kafka-facts.md §1.2, §2.3), computed natively by
 * @node-rs/crc32 (SSE4.2 / ARMv8 CRC instructions where available).
 *
 * Invariant: the result is always an unsigned 32-bit number, as Kafka stores and compares it.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C of `data`. Pass a previous result as `initial` to continue a checksum over data that
 * arrives in pieces: `crc32c(b, crc32c(a)) === crc32c(concat(a, b))`.
 */
export function crc32c(data: Uint8Array, initial?: number): number {
  return nativeCrc32c(data, initial) >>> 0;
}
