import { describe, expect, it } from 'vitest';
import { oneAtATime } from './log-maintenance.js';

describe('oneAtATime', () => {
  it('starts each task only after the one before it settled, in call order, past failures', async () => {
    const slot = oneAtATime();
    const events: string[] = [];
    let finishFirst!: () => void;
    const first = slot(async () => {
      events.push('first started');
      await new Promise<void>((resolve) => (finishFirst = resolve));
      events.push('first done');
      throw new Error('first failed');
    });
    const second = slot(async () => {
      events.push('second started');
      return 2;
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(events).toEqual(['first started']);
    finishFirst();
    await expect(first).rejects.toThrow('first failed');
    expect(await second).toBe(2);
    expect(events).toEqual(['first started', 'first done', 'second started']);
  });
});
