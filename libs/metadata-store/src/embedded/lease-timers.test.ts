import { ManualClock } from '@samsa/common';
import { describe, expect, it } from 'vitest';
import { LeaseTimers } from './lease-timers.js';

describe('LeaseTimers', () => {
  const setup = () => {
    const clock = new ManualClock(0);
    const expired: string[] = [];
    return { clock, expired, timers: new LeaseTimers(clock, (id) => expired.push(id)) };
  };

  it('expires a lease one TTL after its last keepalive, not before', () => {
    const { clock, expired, timers } = setup();
    timers.track('1', 100);
    clock.advance(60);
    timers.keepAlive('1');
    clock.advance(99);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual(['1']);
  });

  it('refuses keepalives once the lease is expiring, before the store has journalled it', () => {
    const { clock, timers } = setup();
    timers.track('1', 100);
    clock.advance(100);
    expect(() => timers.keepAlive('1')).toThrow(/lease 1/);
  });

  it('forgets leases and stops every timer', () => {
    const { clock, expired, timers } = setup();
    timers.track('1', 10);
    timers.track('2', 10);
    timers.forget('1');
    timers.stopAll();
    clock.advance(100);
    expect(expired).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
