import { describe, expect, it } from 'vitest';
import { seededRandom } from './random.js';

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = seededRandom(99);
    const b = seededRandom(99);
    for (let i = 0; i < 100; i++) expect(a()).toBe(b());
  });

  it('gives different sequences for different seeds', () => {
    const a = seededRandom(1);
    const b = seededRandom(2);
    const same = Array.from({ length: 20 }, () => a() === b()).filter(Boolean).length;
    expect(same).toBeLessThan(3);
  });

  it('returns 32-bit integers covering both low and high values', () => {
    const random = seededRandom(5);
    let low = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = random();
      expect(value).toBe(value | 0);
      if ((value >>> 0) % 2 === 0) low++;
    }
    expect(low).toBeGreaterThan(4_700);
    expect(low).toBeLessThan(5_300);
  });
});
