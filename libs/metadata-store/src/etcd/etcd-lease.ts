/**
 * EtcdLease: a lease granted by etcd, with keepalives and loss detection on the injected clock.
 *
 * Invariants:
 * - `confirmedAtMs` is when the last successful grant/keepalive was *sent*; the server's TTL
 *   started no earlier, so the lease is certainly alive until `confirmedAtMs + ttlMs`.
 * - With auto keepalive, one keepalive every ttl/3. If none succeeds for a whole TTL the lease is
 *   reported lost ('expired') even though etcd may not have expired it yet — we can no longer
 *   prove it alive — and a best-effort revoke follows so the server agrees soon.
 * - Without auto keepalive, at the local deadline we ask etcd for the remaining TTL and report
 *   'expired' once etcd says the lease is gone (or cannot be reached), otherwise check again later.
 * - A keepalive answered with TTL 0 means etcd has expired the lease: lost at once.
 * - Loss is reported once (LossLatch); after it every keepalive rejects with LEASE_NOT_FOUND.
 *
 * We do not use the etcd3 client's Lease: it measures time with Date.now() and declares a lease
 * lost only after two TTLs without contact, too late for a leader to stop acting.
 */
import type { Clock, Logger, TimerHandle } from '@samsa/common';
import type { Etcd3 } from 'etcd3';
import type { Lease, LeaseId, LeaseLossReason, LeaseOptions } from '../metadata-store.js';
import { isMetadataStoreError, leaseNotFound, MetadataStoreErrorCode } from '../metadata-store-error.js';
import { LossLatch } from '../loss-latch.js';
import { checkTtl } from '../operations.js';
import { etcdCall, toNumber } from './etcd-codec.js';

export interface EtcdLeaseContext {
  readonly client: Etcd3;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onFinished: (lease: EtcdLease) => void;
}

/** Recheck interval once etcd reports a lease's remaining TTL as under a second. */
const FINAL_CHECK_MS = 200;

export class EtcdLease implements Lease {
  private readonly latch = new LossLatch<LeaseLossReason>();
  private timer: TimerHandle | undefined;
  private confirmedAtMs: number;

  private constructor(
    private readonly context: EtcdLeaseContext,
    readonly id: LeaseId,
    readonly ttlMs: number,
    sentAtMs: number,
    private readonly autoKeepAlive: boolean,
  ) {
    this.confirmedAtMs = sentAtMs;
    if (autoKeepAlive) this.scheduleKeepAlive();
    else this.scheduleCheck(ttlMs);
  }

  /** Grants a lease of `ttlMs` rounded up to whole seconds (etcd may raise it to its minimum). */
  static async grant(context: EtcdLeaseContext, ttlMs: number, options: LeaseOptions): Promise<EtcdLease> {
    checkTtl(ttlMs);
    const sentAtMs = context.clock.monotonicMs();
    const response = await etcdCall(() => context.client.leaseClient.leaseGrant({ TTL: Math.ceil(ttlMs / 1000) }));
    return new EtcdLease(context, response.ID, toNumber(response.TTL) * 1000, sentAtMs, options.autoKeepAlive ?? true);
  }

  get lost(): Promise<LeaseLossReason> {
    return this.latch.promise;
  }

  isAlive(): boolean {
    return !this.latch.settled;
  }

  async keepAlive(): Promise<void> {
    if (this.latch.settled) throw leaseNotFound(this.id);
    const sentAtMs = this.context.clock.monotonicMs();
    const remainingSeconds = await this.keepAliveOnce();
    if (remainingSeconds <= 0) {
      this.markLost('expired');
      throw leaseNotFound(this.id);
    }
    this.confirmedAtMs = Math.max(this.confirmedAtMs, sentAtMs);
    if (!this.autoKeepAlive) this.scheduleCheck(this.ttlMs);
  }

  async revoke(): Promise<void> {
    this.stopTimer();
    try {
      await etcdCall(() => this.context.client.leaseClient.leaseRevoke({ ID: this.id }));
    } catch (error) {
      if (!isMetadataStoreError(error, MetadataStoreErrorCode.LEASE_NOT_FOUND)) throw error;
    }
    this.markLost('revoked');
  }

  /** Stops keepalives and reports `reason` (the store closing: the lease then runs out on etcd). */
  markLost(reason: LeaseLossReason): void {
    this.stopTimer();
    if (this.latch.settle(reason)) this.context.onFinished(this);
  }

  /** One keepalive round trip on its own stream; resolves with the TTL etcd reports (0 = expired). */
  private async keepAliveOnce(): Promise<number> {
    const stream = await etcdCall(() => this.context.client.leaseClient.leaseKeepAlive());
    return new Promise<number>((resolve, reject) => {
      const timeout = this.context.clock.setTimer(Math.max(500, this.ttlMs / 3), () => {
        stream.cancel();
        reject(new Error(`keepalive of lease ${this.id} timed out`));
      });
      stream.on('data', (response) => {
        timeout.cancel();
        stream.end();
        resolve(toNumber(response.TTL));
      });
      stream.on('error', (error) => {
        timeout.cancel();
        reject(error);
      });
      stream.on('end', () => {
        timeout.cancel();
        reject(new Error(`keepalive stream of lease ${this.id} ended without a reply`));
      });
      stream.write({ ID: this.id });
    });
  }

  private scheduleKeepAlive(): void {
    this.timer = this.context.clock.setTimer(this.ttlMs / 3, () => {
      this.timer = undefined;
      if (this.latch.settled) return;
      this.keepAlive()
        .catch((error: unknown) => {
          if (this.latch.settled) return;
          this.context.logger.warn({ err: error, lease: this.id }, 'etcd lease keepalive failed');
          if (this.context.clock.monotonicMs() - this.confirmedAtMs >= this.ttlMs) {
            this.markLost('expired');
            this.revoke().catch(() => undefined);
          }
        })
        .finally(() => {
          if (!this.latch.settled) this.scheduleKeepAlive();
        });
    });
  }

  /** Without keepalives: at the local deadline, ask etcd whether the lease is still there. */
  private scheduleCheck(delayMs: number): void {
    this.stopTimer();
    this.timer = this.context.clock.setTimer(delayMs, () => {
      this.timer = undefined;
      if (this.latch.settled) return;
      etcdCall(() => this.context.client.leaseClient.leaseTimeToLive({ ID: this.id })).then(
        (response) => {
          const remainingSeconds = toNumber(response.TTL);
          if (remainingSeconds < 0) this.markLost('expired');
          else if (!this.latch.settled) this.scheduleCheck(remainingSeconds === 0 ? FINAL_CHECK_MS : remainingSeconds * 1000);
        },
        () => this.markLost('expired'),
      );
    });
  }

  private stopTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
