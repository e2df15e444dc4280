import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('fires due timers in due order as time advances, and not before', () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('b'));
    clock.setTimer(10, () => fired.push('a'));
    clock.setTimer(30, () => fired.push('c'));
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(25);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.nowMs()).toBe(1_034);
  });

  it('runs a timer scheduled by a timer within the same advance when it falls due', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    clock.setTimer(5, () => {
      seen.push(clock.nowMs());
      clock.setTimer(5, () => seen.push(clock.nowMs()));
    });
    clock.advance(100);
    expect(seen).toEqual([5, 10]);
  });

  it('never fires a cancelled timer and resolves sleeps', async () => {
    const clock = new ManualClock(0);
    let fired = false;
    clock.setTimer(1, () => (fired = true)).cancel();
    const slept = clock.sleep(50);
    clock.advance(50);
    await slept;
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses to go backwards', () => {
    expect(() => new ManualClock(0).advance(-1)).toThrow(/backwards/);
  });
});
