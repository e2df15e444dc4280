import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from './murmur2.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** kafka-facts.md §3.1: key, murmur2 (int32), hex, toPositive, %3, %10. */
const SPEC_TABLE: ReadonlyArray<readonly [string, number, number, number, number, number]> = [
  ['', 275646681, 0x106e08d9, 275646681, 0, 1],
  ['4', 1514888353, 0x5a4b5ca1, 1514888353, 1, 3],
  ['21', -973932308, 0xc5f2f8ec, 1173551340, 0, 0],
  ['34', -2026295078, 0x873930da, 121188570, 0, 0],
  ['abc', 479470107, 0x1c94221b, 479470107, 0, 7],
  ['234', -406844982, 0xe7c009ca, 1740638666, 2, 6],
  ['1234', -1614185708, 0x9fc97b14, 533297940, 0, 0],
  ['kafka', -798503068, 0xd067cf64, 1348980580, 1, 0],
  ['foobar', -790332482, 0xd0e47bbe, 1357151166, 0, 6],
  ['giberish123456789', -1890243828, 0x8f552b0c, 257239820, 2, 0],
  ['a-little-bit-long-string', -985981536, 0xc53b1da0, 1161502112, 2, 2],
  ['a-little-bit-longer-string', -1486304829, 0xa768c9c3, 661178819, 2, 9],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971, 0xfc7d49cd, 2088585677, 2, 7],
  ['a', -1563381124, 0xa2d0b27c, 584102524, 1, 4],
  ['key', -1079937367, 0xbfa176a9, 1067546281, 1, 1],
  ['hello', 2132663229, 0x7f1ddbbd, 2132663229, 0, 9],
  ['user-1', 1404122828, 0x53b136cc, 1404122828, 2, 8],
  ['order-42', 501153024, 0x1ddefd00, 501153024, 0, 4],
  ['ü', 1419834458, 0x54a0f45a, 1419834458, 2, 8],
];

/** kafka-facts.md §3.1: the further librdkafka vectors (hex) and one vector per tail length. */
const SPEC_EXTRA_HEX: ReadonlyArray<readonly [string, number]> = [
  ['PreAmbleWillBeRemoved,ThePrePartThatIs', 0x78424f1c],
  ['reAmbleWillBeRemoved,ThePrePartThatIs', 0x4a62b377],
  ['eAmbleWillBeRemoved,ThePrePartThatIs', 0xe0e4e09e],
  ['AmbleWillBeRemoved,ThePrePartThatIs', 0x62b8b43f],
];
const SPEC_TAIL_LENGTHS: ReadonlyArray<readonly [string, number]> = [
  ['string-f-24-chars-length', 124730809],
  ['string-fo-25-chars-length', 1269511650],
  ['string-foo-26-chars-length', 119165628],
  ['string-last-27-chars-length', 1089971754],
];

describe('murmur2', () => {
  it.each(SPEC_TABLE)('hashes %j to the spec vector (int32, hex, toPositive, %%3, %%10)', (key, int32, hex, positive, mod3, mod10) => {
    const hash = murmur2(utf8(key));
    expect(hash).toBe(int32);
    expect(hash >>> 0).toBe(hex);
    expect(toPositive(hash)).toBe(positive);
    expect(partitionForKey(utf8(key), 3)).toBe(mod3);
    expect(partitionForKey(utf8(key), 10)).toBe(mod10);
  });

  it.each(SPEC_EXTRA_HEX)('hashes the librdkafka vector %j to its hex value', (key, hex) => {
    expect(murmur2(utf8(key)) >>> 0).toBe(hex);
  });

  it.each(SPEC_TAIL_LENGTHS)('hashes the tail-length vector %j', (key, expected) => {
    expect(murmur2(utf8(key))).toBe(expected);
  });

  it('hashes the UTF-8 bytes of a string key (ü is c3 bc)', () => {
    expect(murmur2(Uint8Array.of(0xc3, 0xbc))).toBe(1419834458);
  });

  it('hashes a Buffer and a Uint8Array view of the same bytes identically', () => {
    const backing = new Uint8Array([9, 9, ...utf8('kafka'), 9]);
    expect(murmur2(backing.subarray(2, 7))).toBe(-798503068);
    expect(murmur2(Buffer.from('kafka'))).toBe(-798503068);
  });

  it('always returns a signed 32-bit integer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hash = murmur2(bytes);
        expect(hash).toBe(hash | 0);
      }),
    );
  });
});

describe('toPositive', () => {
  it('masks the sign bit instead of taking the absolute value', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(42)).toBe(42);
  });
});

describe('partitionForKey', () => {
  it('always lands in [0, numPartitions)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 10_000 }), (key, numPartitions) => {
        const partition = partitionForKey(key, numPartitions);
        expect(partition).toBeGreaterThanOrEqual(0);
        expect(partition).toBeLessThan(numPartitions);
      }),
    );
  });

  it('rejects a topic without partitions', () => {
    expect(() => partitionForKey(utf8('k'), 0)).toThrow(RangeError);
  });
});
