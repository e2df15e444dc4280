import { describe, expect, it } from 'vitest';
import { xxhash32 } from './xxhash32.js';

describe('xxhash32', () => {
  it.each([
    ['', 0x02cc5d05],
    ['a', 0x550d7456],
    ['abc', 0x32d153ff],
    ['Nobody inspects the spammish repetition', 0xe2293b2f],
  ])('hashes %j to the reference value', (text, expected) => {
    expect(xxhash32(Buffer.from(text))).toBe(expected);
  });

  it('reads a subarray at an offset', () => {
    const outer = Buffer.from('xxabcxx');
    expect(xxhash32(outer.subarray(2, 5))).toBe(0x32d153ff);
  });
});
