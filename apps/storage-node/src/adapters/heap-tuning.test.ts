import { describe, expect, it } from 'vitest';
import { heapGrowthFlag } from './heap-tuning.js';
import { storageNodeConfigSchema } from '../config.js';

describe('heap tuning', () => {
  it('sets V8 heap growth by default and leaves it to V8 when configured 0', () => {
    expect(storageNodeConfigSchema.heapGrowingPercent.default).toBe(300);
    expect(heapGrowthFlag(300)).toBe('--heap-growing-percent=300');
    expect(heapGrowthFlag(0)).toBeUndefined();
  });
});
