/**
 * ProducerIdBlocks: hands out producer ids from blocks the controller allocates (Kafka's
 * `RPCProducerIdManager`). The current block is [firstProducerId, firstProducerId + count); ids
 * are taken from it in increasing order.
 *
 * Invariants:
 * - An id is handed out at most once. The controller never re-issues a block; a block that starts
 *   before the end of the previous one is refused as a broken invariant (plain Error).
 * - At most one allocation is in flight (single-flight): every caller that finds the block used up
 *   awaits the same request, and the block it brings serves them all.
 * - Once `prefetchRatio` of the current block is used, the next block is requested in the
 *   background, so callers rarely wait. A failed prefetch is dropped; the next caller that needs a
 *   block asks again.
 * - An allocation failure rejects the callers waiting on it (they see the port's error) and
 *   changes nothing; a later call starts a new allocation.
 *
 * Concurrency: state changes only in synchronous sections (`take`, `accept`); the only await is
 * on the shared allocation, after which a caller re-reads the state, so two callers never take
 * the same id.
 */

/** A block of producer ids: firstProducerId .. firstProducerId + count - 1. */
export interface ProducerIdBlock {
  readonly firstProducerId: number;
  readonly count: number;
}

/** The port that obtains the next block (the controller's AllocateProducerIds). */
export type AllocateProducerIdBlock = () => Promise<ProducerIdBlock>;

export interface ProducerIdBlocksOptions {
  allocate: AllocateProducerIdBlock;
  /** Fraction of a block handed out before the next one is requested; (0, 1], default 0.8. */
  prefetchRatio?: number;
}

/** Where ids come from, as the InitProducerId rules see it. */
export interface ProducerIdSource {
  nextProducerId(): Promise<number>;
}

interface CurrentBlock {
  readonly firstProducerId: number;
  /** First id after the block. */
  readonly endProducerId: number;
  /** Ids handed out before this one prefetch the next block. */
  readonly prefetchAt: number;
  nextProducerId: number;
}

export const DEFAULT_PREFETCH_RATIO = 0.8;

export class ProducerIdBlocks implements ProducerIdSource {
  private current: CurrentBlock | undefined;
  /** A block received but not yet in use (a prefetch, or a fetch other callers have not drained). */
  private next: ProducerIdBlock | undefined;
  private inFlight: Promise<void> | undefined;
  /** End of the last accepted block: a new block must start at or after it. */
  private acceptedEnd = 0;
  private readonly prefetchRatio: number;

  constructor(private readonly options: ProducerIdBlocksOptions) {
    const ratio = options.prefetchRatio ?? DEFAULT_PREFETCH_RATIO;
    if (!(ratio > 0 && ratio <= 1)) throw new RangeError(`prefetchRatio must be in (0, 1], got ${ratio}`);
    this.prefetchRatio = ratio;
  }

  /** The next unused producer id; waits for a block when none is left. Rejects with the port's error. */
  async nextProducerId(): Promise<number> {
    for (;;) {
      const id = this.take();
      if (id !== undefined) return id;
      await this.fetch();
    }
  }

  /** Ids left in the current block (0 before the first block). */
  get remaining(): number {
    return this.current ? this.current.endProducerId - this.current.nextProducerId : 0;
  }

  /** True while a block request is in flight. */
  get allocating(): boolean {
    return this.inFlight !== undefined;
  }

  private take(): number | undefined {
    if (this.remaining === 0 && this.next) {
      const { firstProducerId, count } = this.next;
      this.next = undefined;
      const prefetchAt = firstProducerId + Math.min(count - 1, Math.ceil(count * this.prefetchRatio) - 1);
      this.current = { firstProducerId, endProducerId: firstProducerId + count, prefetchAt, nextProducerId: firstProducerId };
    }
    const block = this.current;
    if (!block || block.nextProducerId >= block.endProducerId) return undefined;
    const id = block.nextProducerId++;
    if (id >= block.prefetchAt && !this.next && !this.inFlight) void this.fetch().catch(() => undefined);
    return id;
  }

  /** Starts an allocation unless one is in flight; resolves once its block is stored in `next`. */
  private fetch(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    // Deferred by one tick so that even a port that throws synchronously settles after inFlight is set.
    const request = Promise.resolve()
      .then(() => this.options.allocate())
      .then((block) => this.accept(block))
      .finally(() => {
        this.inFlight = undefined;
      });
    this.inFlight = request;
    return request;
  }

  private accept(block: ProducerIdBlock): void {
    const { firstProducerId, count } = block;
    if (!Number.isSafeInteger(firstProducerId) || firstProducerId < 0 || !Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(firstProducerId + count)) {
      throw new Error(`malformed producer id block: first ${firstProducerId}, count ${count}`);
    }
    if (firstProducerId < this.acceptedEnd) {
      throw new Error(`producer id block [${firstProducerId}, ${firstProducerId + count}) overlaps ids already handed out (up to ${this.acceptedEnd - 1})`);
    }
    if (this.next) throw new Error('a second producer id block arrived while one was still unused');
    this.acceptedEnd = firstProducerId + count;
    this.next = { firstProducerId, count };
  }
}
