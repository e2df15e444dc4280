import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTransaction, compareKeys, electionPrefix, operation, prefixRangeEnd } from './operations.js';

describe('compareKeys', () => {
  it('orders keys like their UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
  });
});

describe('prefixRangeEnd', () => {
  it('increments the last byte that can be incremented', () => {
    expect(prefixRangeEnd(Buffer.from('ab'))).toEqual(Buffer.from('ac'));
    expect(prefixRangeEnd(Buffer.from([0x61, 0xff]))).toEqual(Buffer.from([0x62]));
    expect(prefixRangeEnd(Buffer.from([0xff, 0xff]))).toEqual(Buffer.from([0]));
  });
});

describe('checkTransaction', () => {
  const v = Buffer.from('v');
  it('accepts disjoint puts and deletes, and the same key in different branches', () => {
    expect(() => checkTransaction({ success: [operation.put('a', v), operation.delete('b')], failure: [operation.put('a', v)] })).not.toThrow();
  });
  it.each([
    ['a key put twice', [operation.put('a', v), operation.put('a', v)]],
    ['a put key deleted', [operation.put('a', v), operation.delete('a')]],
    ['a put key under a deleted prefix', [operation.deletePrefix('p/'), operation.put('p/x', v)]],
    ['an empty key', [operation.delete('')]],
  ])('rejects %s', (_name, success) => {
    expect(() => checkTransaction({ success })).toThrow();
  });
});

describe('electionPrefix', () => {
  it('ends election names with a slash', () => {
    expect(electionPrefix('a')).toBe('a/');
    expect(electionPrefix('a/')).toBe('a/');
    expect(() => electionPrefix('')).toThrow();
  });
});
