/**
 * LossLatch: a promise that settles once, with the first reason given — how leases and
 * leaderships report that they are gone. It only ever resolves (never rejects), so nobody has to
 * attach a handler to avoid an unhandled rejection, and it carries an AbortSignal for work that
 * must stop with it.
 */
export class LossLatch<Reason> {
  readonly promise: Promise<Reason>;
  private readonly controller = new AbortController();
  private resolvePromise!: (reason: Reason) => void;
  private settledWith: { reason: Reason } | undefined;

  constructor() {
    this.promise = new Promise<Reason>((resolve) => (this.resolvePromise = resolve));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get settled(): boolean {
    return this.settledWith !== undefined;
  }

  get reason(): Reason | undefined {
    return this.settledWith?.reason;
  }

  /** Settles with `reason` unless already settled; returns whether this call settled it. */
  settle(reason: Reason): boolean {
    if (this.settledWith) return false;
    this.settledWith = { reason };
    this.controller.abort(reason);
    this.resolvePromise(reason);
    return true;
  }
}
