/**
 * EmbeddedLease: the handle `grantLease` returns from the embedded store. It forwards keepalive
 * and revoke to the store, keeps itself alive every ttl/3 on the store's clock when asked to, and
 * reports loss through `lost` when the store revokes or expires the lease or closes.
 */
import type { Clock, TimerHandle } from '@samsa/common';
import type { Lease, LeaseId, LeaseLossReason } from '../metadata-store.js';
import { LossLatch } from '../loss-latch.js';

export interface LeaseOwner {
  /** Synchronous: throws LEASE_NOT_FOUND if the lease is expiring or gone. */
  keepAliveLease(id: LeaseId): void;
  revokeLease(id: LeaseId, reason: 'revoked'): Promise<void>;
}

export class EmbeddedLease implements Lease {
  private readonly latch = new LossLatch<LeaseLossReason>();
  private timer: TimerHandle | undefined;

  constructor(
    readonly id: LeaseId,
    readonly ttlMs: number,
    private readonly owner: LeaseOwner,
    private readonly clock: Clock,
    autoKeepAlive: boolean,
  ) {
    if (autoKeepAlive) this.scheduleKeepAlive();
  }

  get lost(): Promise<LeaseLossReason> {
    return this.latch.promise;
  }

  isAlive(): boolean {
    return !this.latch.settled;
  }

  async keepAlive(): Promise<void> {
    this.owner.keepAliveLease(this.id);
  }

  revoke(): Promise<void> {
    return this.owner.revokeLease(this.id, 'revoked');
  }

  /** Called by the store once the lease is gone. */
  markLost(reason: LeaseLossReason): void {
    this.timer?.cancel();
    this.latch.settle(reason);
  }

  private scheduleKeepAlive(): void {
    this.timer = this.clock.setTimer(Math.max(1, Math.floor(this.ttlMs / 3)), () => {
      if (this.latch.settled) return;
      try {
        this.owner.keepAliveLease(this.id);
        this.scheduleKeepAlive();
      } catch {
        // Expiring or gone: the store reports the loss when it journals the expiry.
      }
    });
  }
}
