/**
 * xxHash32 (seed 0 by default): the checksum of the LZ4 frame format — its header checksum
 * byte is `(xxh32(descriptor) >> 8) & 0xFF`, and the optional content checksum is xxh32 of the
 * whole plaintext. Pure JS with 32-bit integer arithmetic (`Math.imul`, `>>> 0`).
 */
const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

const rotl = (value: number, bits: number): number => (value << bits) | (value >>> (32 - bits));

function round(accumulator: number, lane: number): number {
  return Math.imul(rotl((accumulator + Math.imul(lane, PRIME2)) | 0, 13), PRIME1);
}

/** xxHash32 of `data`, unsigned. */
export function xxhash32(data: Uint8Array, seed = 0): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = data.byteLength;
  let position = 0;
  let hash: number;
  if (length >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    for (const limit = length - 16; position <= limit; position += 16) {
      v1 = round(v1, view.getUint32(position, true));
      v2 = round(v2, view.getUint32(position + 4, true));
      v3 = round(v3, view.getUint32(position + 8, true));
      v4 = round(v4, view.getUint32(position + 12, true));
    }
    hash = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    hash = (seed + PRIME5) | 0;
  }
  hash = (hash + length) | 0;
  for (; position + 4 <= length; position += 4) {
    hash = Math.imul(rotl((hash + Math.imul(view.getUint32(position, true), PRIME3)) | 0, 17), PRIME4);
  }
  for (; position < length; position++) {
    hash = Math.imul(rotl((hash + Math.imul(view.getUint8(position), PRIME5)) | 0, 11), PRIME1);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, PRIME2);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, PRIME3);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
