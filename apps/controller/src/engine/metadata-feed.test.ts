import { controller } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { MetadataImage } from '../domain/index.js';
import { MetadataFeed, type FeedSink } from './metadata-feed.js';

function record(version: number): controller.MetadataRecord {
  return controller.MetadataRecord.fromPartial({ version, lastInBatch: true, payload: { $case: 'clusterCreated', clusterCreated: { clusterId: 'c' } } });
}

class TestSink implements FeedSink {
  events: controller.WatchMetadataResponse[] = [];
  capacity = Number.POSITIVE_INFINITY;
  private drain: (() => void) | undefined;
  failed: Error | undefined;
  send(event: controller.WatchMetadataResponse): boolean {
    this.events.push(event);
    return this.events.length < this.capacity;
  }
  onDrain(callback: () => void): void {
    this.drain = callback;
  }
  fail(error: Error): void {
    this.failed = error;
  }
  release(): void {
    this.capacity = Number.POSITIVE_INFINITY;
    this.drain?.();
  }
  kinds(): string[] {
    return this.events.map((event) => (event.event?.$case === 'delta' ? `delta:${event.event.delta.version}` : 'snapshot'));
  }
}

describe('MetadataFeed', () => {
  const image = MetadataImage.empty();

  it('starts a new subscriber with a snapshot, then deltas as they are published', () => {
    const feed = new MetadataFeed(() => image);
    const sink = new TestSink();
    feed.subscribe(0, sink);
    feed.publish([record(1), record(2)]);
    expect(sink.kinds()).toEqual(['snapshot', 'delta:1', 'delta:2']);
  });

  it('resumes a subscriber from its version with retained deltas only', () => {
    let version = 0;
    const feed = new MetadataFeed(() => ({ ...image, version, toSnapshot: () => image.toSnapshot() }) as unknown as MetadataImage, { retainedRecords: 3 });
    feed.publish([record(1), record(2), record(3), record(4)]);
    version = 4;
    const resumed = new TestSink();
    feed.subscribe(2, resumed);
    expect(resumed.kinds()).toEqual(['delta:3', 'delta:4']);
    const tooOld = new TestSink();
    feed.subscribe(0, tooOld);
    expect(tooOld.kinds()).toEqual(['snapshot']);
  });

  it('gives a subscriber that fell too far behind a fresh snapshot instead of an unbounded queue', () => {
    const feed = new MetadataFeed(() => image, { maxQueuedRecords: 5 });
    const sink = new TestSink();
    sink.capacity = 1;
    feed.subscribe(0, sink);
    for (let version = 1; version <= 20; version++) feed.publish([record(version)]);
    expect(sink.kinds()).toEqual(['snapshot']);
    sink.release();
    expect(sink.kinds()[1]).toBe('snapshot');
    feed.publish([record(21)]);
    expect(sink.kinds().at(-1)).toBe('delta:21');
  });

  it('fails every subscriber when the controller steps down', async () => {
    const feed = new MetadataFeed(() => image);
    const sink = new TestSink();
    feed.subscribe(0, sink);
    feed.close(new Error('deposed'));
    expect(sink.failed?.message).toBe('deposed');
    const late = new TestSink();
    feed.subscribe(0, late);
    await Promise.resolve();
    expect(late.failed?.message).toBe('deposed');
  });
});
