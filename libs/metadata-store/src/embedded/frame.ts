/**
 * Length + CRC framing for the embedded store's journal and snapshot files.
 *
 * Byte layout of one frame (big-endian):
 *
 *   0       4       8                8 + length
 *   +-------+-------+----------------+
 *   |length | crc32 | payload ...    |
 *   +-------+-------+----------------+
 *
 *   length  u32  payload bytes (at most MAX_FRAME_BYTES)
 *   crc32   u32  CRC-32 (IEEE, zlib's) of the payload
 *
 * A reader stops at the first frame that is incomplete or fails its CRC: after a crash the only
 * such frame is the torn last append (each append is fsynced before it is acknowledged, so
 * everything before it is whole). What follows the last good frame is reported as torn bytes.
 */
import { crc32 } from 'node:zlib';

export const FRAME_HEADER_BYTES = 8;
/** A sanity bound: a length beyond this is garbage, not a real entry. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_BYTES) throw new RangeError(`frame of ${payload.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export interface DecodedFrames {
  payloads: Buffer[];
  /** Bytes covered by whole, valid frames; everything after is torn or corrupt. */
  validBytes: number;
  tornBytes: number;
}

export function decodeFrames(data: Buffer): DecodedFrames {
  const payloads: Buffer[] = [];
  let position = 0;
  while (position + FRAME_HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(position);
    const checksum = data.readUInt32BE(position + 4);
    const end = position + FRAME_HEADER_BYTES + length;
    if (length > MAX_FRAME_BYTES || end > data.length) break;
    const payload = data.subarray(position + FRAME_HEADER_BYTES, end);
    if (crc32(payload) !== checksum) break;
    payloads.push(payload);
    position = end;
  }
  return { payloads, validBytes: position, tornBytes: data.length - position };
}
