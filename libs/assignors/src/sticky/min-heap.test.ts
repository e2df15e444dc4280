import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('pops values in ascending order after any mix of pushes and top replacements', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.array(fc.integer()), (initial, replacements) => {
        const heap = new MinHeap(initial);
        const model = [...initial];
        for (const value of replacements) {
          if (heap.size === 0) break;
          model.splice(model.indexOf(Math.min(...model)), 1, value);
          heap.replaceTop(value);
        }
        model.sort((a, b) => a - b);
        const popped: number[] = [];
        while (heap.size > 0) popped.push(heap.pop() ?? Number.NaN);
        expect(popped).toEqual(model);
      }),
    );
  });

  it('returns undefined when empty', () => {
    const heap = new MinHeap();
    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
    heap.push(3);
    expect(heap.peek()).toBe(3);
  });
});
