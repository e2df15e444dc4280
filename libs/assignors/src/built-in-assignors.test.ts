import { describe, expect, it } from 'vitest';
import { BUILT_IN_ASSIGNOR_NAMES, builtInAssignor } from './built-in-assignors.js';

describe('builtInAssignor', () => {
  it('finds every built-in assignor by its protocol name', () => {
    expect(BUILT_IN_ASSIGNOR_NAMES).toEqual(['range', 'roundrobin', 'sticky', 'cooperative-sticky']);
    for (const name of BUILT_IN_ASSIGNOR_NAMES) expect(builtInAssignor(name)?.name).toBe(name);
  });

  it('returns undefined for an unknown name', () => {
    expect(builtInAssignor('uniform')).toBeUndefined();
  });
});
