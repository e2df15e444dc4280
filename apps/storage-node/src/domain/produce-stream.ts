/**
 * Back-pressure for ProduceStream (Kafka's queued.max.requests and queued.max.request.bytes).
 * A stream processes at most `maxInFlight` requests at once, and all streams of the node share
 * one byte budget for the record data of the requests they process. While a stream is at either
 * limit it stops pulling requests, so its transport stops reading and HTTP/2 flow control holds
 * the producer back: a fast or misbehaving client cannot grow the node's memory without bound.
 */
import { recordBytes } from './per-partition.js';

/**
 * Node-wide bytes of produce data being processed. A request waits (in arrival order) until its
 * bytes fit; one request always fits while nothing else is admitted, so a request larger than
 * the whole budget (it is already within the transport's message size limit) is slow, not stuck.
 */
export class RequestBudget {
  private used = 0;
  private readonly waiting: Array<{ bytes: number; admit: () => void }> = [];

  constructor(readonly maxBytes: number) {}

  /** Bytes admitted and not yet released. */
  get inUse(): number {
    return this.used;
  }

  /** Resolves once `bytes` are admitted; pair with `release(bytes)`. */
  acquire(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((admit) => this.waiting.push({ bytes, admit }));
  }

  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiting.length > 0 && this.fits((this.waiting[0] as { bytes: number }).bytes)) {
      const next = this.waiting.shift() as { bytes: number; admit: () => void };
      this.used += next.bytes;
      next.admit();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.maxBytes;
  }
}

export interface ProduceStreamLimits {
  /** Requests of one stream processed at once (queued.max.requests). */
  maxInFlight: number;
  /** Shared by every stream of the node (queued.max.request.bytes). */
  budget: RequestBudget;
}

/**
 * Runs `handle` for every request of the stream, concurrently within `limits`, and resolves once
 * the stream ended and every request is handled. A handler failure stops reading the stream and
 * is thrown once the requests already started have finished.
 */
export async function serveProduceStream<R extends { topics: Parameters<typeof recordBytes>[0] }>(requests: AsyncIterable<R>, handle: (request: R) => Promise<void>, limits: ProduceStreamLimits): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for await (const request of requests) {
    while (running.size >= limits.maxInFlight && !failure) await Promise.race(running);
    if (failure) break;
    const bytes = recordBytes(request.topics);
    await limits.budget.acquire(bytes);
    const work: Promise<void> = handle(request)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        limits.budget.release(bytes);
        running.delete(work);
      });
    running.add(work);
    if (failure) break;
  }
  await Promise.all(running);
  if (failure) throw failure.error;
}
