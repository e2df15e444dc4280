/**
 * LeaseTimers: the embedded store's volatile lease clocks — each live lease's deadline and the
 * timer that checks it, driven by the injected Clock (a ManualClock in tests).
 *
 * Invariants:
 * - Deadlines are not durable: after a restart every lease gets a full TTL again (etcd does the
 *   same when a new leader takes over its leases). Expiry itself is durable: the store journals it.
 * - Once a lease's deadline has passed it is *expiring*: keepalives fail from then on, even
 *   before the store has journalled the expiry, so a late keepalive cannot revive it.
 * - `keepAlive` is synchronous, so a keepalive and an expiry check due at the same instant are
 *   ordered by the clock alone.
 */
import type { Clock, TimerHandle } from '@samsa/common';
import type { LeaseId } from '../metadata-store.js';
import { leaseNotFound } from '../metadata-store-error.js';

interface LiveLease {
  readonly ttlMs: number;
  deadlineMs: number;
  timer: TimerHandle;
  expiring: boolean;
}

export class LeaseTimers {
  private readonly live = new Map<LeaseId, LiveLease>();

  constructor(
    private readonly clock: Clock,
    private readonly onExpired: (id: LeaseId) => void,
  ) {}

  track(id: LeaseId, ttlMs: number): void {
    this.forget(id);
    this.live.set(id, { ttlMs, deadlineMs: this.clock.monotonicMs() + ttlMs, timer: this.clock.setTimer(ttlMs, () => this.check(id)), expiring: false });
  }

  /** Restarts the lease's TTL; throws LEASE_NOT_FOUND once it is expiring or gone. */
  keepAlive(id: LeaseId): void {
    const lease = this.live.get(id);
    if (!lease || lease.expiring) throw leaseNotFound(id);
    lease.deadlineMs = this.clock.monotonicMs() + lease.ttlMs;
  }

  forget(id: LeaseId): void {
    this.live.get(id)?.timer.cancel();
    this.live.delete(id);
  }

  stopAll(): void {
    for (const lease of this.live.values()) lease.timer.cancel();
    this.live.clear();
  }

  private check(id: LeaseId): void {
    const lease = this.live.get(id);
    if (!lease || lease.expiring) return;
    const remainingMs = lease.deadlineMs - this.clock.monotonicMs();
    if (remainingMs > 0) {
      lease.timer = this.clock.setTimer(remainingMs, () => this.check(id));
      return;
    }
    lease.expiring = true;
    this.onExpired(id);
  }
}
