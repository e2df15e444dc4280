/**
 * Randomness for partitioners, injected so library code never calls `Math.random` and tests are
 * reproducible. A {@link RandomInt} returns an integer; callers use `toPositive(x) % n` as
 * Kafka does with `Utils.toPositive(ThreadLocalRandom.nextInt())`.
 *
 * The producer's composition root supplies a real source (for example one built on
 * `crypto.getRandomValues`); every producer instance must get its own, differently seeded
 * source, or producers started together would stick to the same partitions in lockstep.
 */

/** Returns a uniformly distributed 32-bit integer (signed or unsigned; only the bits matter). */
export type RandomInt = () => number;

/**
 * A small deterministic generator (mulberry32) for tests, simulations and benchmarks: same seed,
 * same sequence. Period 2^32; not cryptographic.
 */
export function seededRandom(seed: number): RandomInt {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) | 0;
  };
}
