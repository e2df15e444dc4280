/**
 * WatchHub: the embedded store's watchers and the delivery of change batches to them.
 *
 * Invariants (the store's concurrency contract for watches):
 * - A watcher is registered in the same synchronous step that reads its backlog from history, so
 *   between its start revision and "now" it misses nothing and sees nothing twice.
 * - Each watcher gets its batches in revision order, always asynchronously (a microtask after
 *   the commit or registration), never inside the caller's stack; one revision is never split.
 * - After `cancel()` resolves a watcher gets nothing more; after `end(error)` it gets its
 *   already-committed batches, then `onError` once, then nothing.
 * - A listener that throws is logged and keeps its watch: it cannot break the store or others.
 */
import type { Logger } from '@samsa/common';
import type { Watch, WatchEvent, WatchOptions } from '../metadata-store.js';
import type { MetadataStoreError } from '../metadata-store-error.js';

interface Subscriber {
  readonly prefix: string;
  readonly fromRevision: number;
  readonly options: WatchOptions;
  readonly pending: WatchEvent[][];
  ending: MetadataStoreError | undefined;
  scheduled: boolean;
  done: boolean;
}

export class WatchHub {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** Registers a watcher and queues `backlog` (batches from history) for it. */
  subscribe(prefix: string, fromRevision: number, backlog: ReadonlyArray<{ events: readonly WatchEvent[] }>, options: WatchOptions): Watch {
    const subscriber: Subscriber = { prefix, fromRevision, options, pending: [], ending: undefined, scheduled: false, done: false };
    this.subscribers.add(subscriber);
    for (const batch of backlog) this.enqueue(subscriber, batch.events);
    return {
      fromRevision,
      cancel: async () => {
        subscriber.done = true;
        subscriber.pending.length = 0;
        this.subscribers.delete(subscriber);
      },
    };
  }

  /** Delivers one committed revision's events to every interested watcher. */
  publish(events: readonly WatchEvent[]): void {
    for (const subscriber of this.subscribers) this.enqueue(subscriber, events);
  }

  /** Ends every watcher with `error` after its pending batches. */
  endAll(error: MetadataStoreError): void {
    for (const subscriber of this.subscribers) {
      subscriber.ending = error;
      this.schedule(subscriber);
    }
    this.subscribers.clear();
  }

  private enqueue(subscriber: Subscriber, events: readonly WatchEvent[]): void {
    const matching = events.filter((event) => event.revision >= subscriber.fromRevision && event.key.startsWith(subscriber.prefix));
    if (matching.length === 0) return;
    subscriber.pending.push(matching);
    this.schedule(subscriber);
  }

  private schedule(subscriber: Subscriber): void {
    if (subscriber.scheduled) return;
    subscriber.scheduled = true;
    queueMicrotask(() => this.flush(subscriber));
  }

  private flush(subscriber: Subscriber): void {
    subscriber.scheduled = false;
    while (!subscriber.done && subscriber.pending.length > 0) {
      const events = subscriber.pending.splice(0, subscriber.pending.length).flat();
      try {
        subscriber.options.onEvents(events);
      } catch (error) {
        this.logger.error({ err: error, prefix: subscriber.prefix }, 'metadata watch listener threw');
      }
    }
    if (!subscriber.done && subscriber.ending) {
      subscriber.done = true;
      try {
        subscriber.options.onError?.(subscriber.ending);
      } catch (error) {
        this.logger.error({ err: error, prefix: subscriber.prefix }, 'metadata watch error listener threw');
      }
    }
  }
}
