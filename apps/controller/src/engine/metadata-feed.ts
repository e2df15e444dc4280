/**
 * MetadataFeed: the WatchMetadata side of the engine. It keeps the most recent records in memory
 * and serves each subscriber either the deltas after its version or, when that version is too
 * old (or zero), a snapshot of the current image followed by deltas. A subscriber that stops
 * reading does not hold memory without bound: past `maxQueuedRecords` its queue is dropped and it
 * gets a fresh snapshot once it reads again.
 */
import { controller } from '@samsa/proto';
import type { MetadataImage } from '../domain/index.js';

/** Where a subscriber's events go (the gRPC stream). `send` returns false when the sink is full. */
export interface FeedSink {
  send(event: controller.WatchMetadataResponse): boolean;
  /** Registers a callback for when a full sink can take more. */
  onDrain(callback: () => void): void;
  /** Ends the subscription with an error (controller stepped down). */
  fail(error: Error): void;
}

export interface FeedOptions {
  /** Records kept in memory for subscribers that resume; default 10,000. */
  retainedRecords?: number;
  /** Records queued for one slow subscriber before it is reset to a snapshot; default 10,000. */
  maxQueuedRecords?: number;
}

class Subscription {
  queue: controller.MetadataRecord[] = [];
  needsSnapshot = false;
  waitingForDrain = false;

  constructor(
    readonly sink: FeedSink,
    private readonly feed: MetadataFeed,
  ) {}

  /** Writes queued events until the sink is full. */
  pump(): void {
    if (this.waitingForDrain) return;
    if (this.needsSnapshot) {
      this.needsSnapshot = false;
      this.queue = [];
      if (!this.sink.send({ event: { $case: 'snapshot', snapshot: this.feed.snapshot() } })) return this.waitForDrain();
    }
    while (this.queue.length > 0) {
      const record = this.queue.shift() as controller.MetadataRecord;
      if (!this.sink.send({ event: { $case: 'delta', delta: record } })) return this.waitForDrain();
    }
  }

  private waitForDrain(): void {
    this.waitingForDrain = true;
    this.sink.onDrain(() => {
      this.waitingForDrain = false;
      this.pump();
    });
  }
}

export class MetadataFeed {
  private readonly recent: controller.MetadataRecord[] = [];
  private readonly subscriptions = new Set<Subscription>();
  private closed: Error | undefined;
  private readonly retained: number;
  private readonly maxQueued: number;

  constructor(
    private readonly image: () => MetadataImage,
    options: FeedOptions = {},
  ) {
    this.retained = options.retainedRecords ?? 10_000;
    this.maxQueued = options.maxQueuedRecords ?? 10_000;
  }

  snapshot(): controller.MetadataSnapshot {
    return this.image().toSnapshot();
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  /** Starts a subscription after `fromVersion`; returns the function that ends it. */
  subscribe(fromVersion: number, sink: FeedSink): () => void {
    const closed = this.closed;
    if (closed) {
      // Asynchronously, so the caller holds the returned function before its sink hears anything.
      queueMicrotask(() => sink.fail(closed));
      return () => undefined;
    }
    const subscription = new Subscription(sink, this);
    const current = this.image().version;
    const oldest = this.recent[0]?.version ?? current + 1;
    if (fromVersion <= 0 || fromVersion > current || fromVersion + 1 < oldest) subscription.needsSnapshot = true;
    else subscription.queue = this.recent.filter((record) => record.version > fromVersion);
    this.subscriptions.add(subscription);
    subscription.pump();
    return () => this.subscriptions.delete(subscription);
  }

  /** Delivers newly durable records to every subscriber. */
  publish(records: readonly controller.MetadataRecord[]): void {
    this.recent.push(...records);
    if (this.recent.length > this.retained) this.recent.splice(0, this.recent.length - this.retained);
    for (const subscription of this.subscriptions) {
      if (subscription.needsSnapshot) continue;
      subscription.queue.push(...records);
      if (subscription.queue.length > this.maxQueued) {
        subscription.queue = [];
        subscription.needsSnapshot = true;
      }
      subscription.pump();
    }
  }

  close(error: Error): void {
    this.closed = error;
    for (const subscription of this.subscriptions) subscription.sink.fail(error);
    this.subscriptions.clear();
  }
}
