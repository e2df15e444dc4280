/**
 * murmur2 exactly as Kafka's Java client computes it (`Utils.murmur2`), plus the keyed-partition
 * rule the producer applies to every record that has a key.
 *
 * Invariants:
 * - The hash is a pure function of the key *bytes* (for string keys: their UTF-8 encoding); an
 *   empty key (0 bytes) hashes like any other key, only a `null` key takes the keyless path.
 * - Every multiplication wraps mod 2^32 (`Math.imul`), shifts are logical (`>>>`), tail bytes are
 *   taken unsigned, and the result is a signed int32 — bit-for-bit what Java's `int` arithmetic
 *   gives, so a Samsa producer and a Java producer send the same key to the same partition.
 * - `toPositive` masks the sign bit (`x & 0x7fffffff`); it is *not* `Math.abs` (which would map
 *   -2^31 to itself and differ from Java for every other negative hash).
 * - `partitionForKey` uses the topic's *total* partition count, available or not, so a key's
 *   partition never moves while its leader is down.
 *
 * Pure functions; no state, safe to call from anywhere.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's 32-bit MurmurHash2 variant over `data`; returns a signed int32. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocksEnd = length & ~3;
  for (let i = 0; i < blocksEnd; i += 4) {
    let k = (data[i] ?? 0) | ((data[i + 1] ?? 0) << 8) | ((data[i + 2] ?? 0) << 16) | ((data[i + 3] ?? 0) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail === 3) h ^= (data[blocksEnd + 2] ?? 0) << 16;
  if (tail >= 2) h ^= (data[blocksEnd + 1] ?? 0) << 8;
  if (tail >= 1) {
    h ^= (data[blocksEnd] ?? 0);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Clears the sign bit of an int32 (Kafka `Utils.toPositive`); not `Math.abs`. */
export function toPositive(value: number): number {
  return value & 0x7fffffff;
}

/**
 * The partition of a keyed record: `toPositive(murmur2(key)) % numPartitions`, where
 * `numPartitions` is the topic's total partition count.
 */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  return toPositive(murmur2(key)) % numPartitions;
}
