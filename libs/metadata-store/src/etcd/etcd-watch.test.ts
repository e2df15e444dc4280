import { ManualClock, silentLogger } from '@samsa/common';
import { GRPCOutOfRangeError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { FakeEtcd, watchResponse } from '../__tests__/fake-etcd-client.js';
import type { WatchEvent } from '../metadata-store.js';
import { isMetadataStoreError, MetadataStoreErrorCode, type MetadataStoreError } from '../metadata-store-error.js';
import { KeyCodec } from './etcd-codec.js';
import { EtcdWatch } from './etcd-watch.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(fake = new FakeEtcd()) {
  const clock = new ManualClock(0);
  const events: WatchEvent[] = [];
  const errors: MetadataStoreError[] = [];
  const context = { client: fake.client, keys: new KeyCodec(''), clock, logger: silentLogger, onFinished: () => undefined };
  const start = (fromRevision?: number) =>
    EtcdWatch.start(context, 'p/', {
      ...(fromRevision === undefined ? {} : { fromRevision }),
      onEvents: (batch) => events.push(...batch),
      onError: (error) => errors.push(error),
    });
  return { fake, clock, events, errors, start };
}

const startRevisionOf = (request: unknown) => (request as { create_request: { start_revision?: number } }).create_request.start_revision;

describe('EtcdWatch', () => {
  it('resumes from the revision after the last delivered event when its stream is lost', async () => {
    const { fake, clock, events, start } = setup();
    const starting = start(5);
    const first = await fake.watchStream(0);
    expect(startRevisionOf(first.written[0])).toBe(5);
    first.reply(watchResponse({ revision: 10, created: true }));
    const watch = await starting;
    first.reply(watchResponse({ revision: 10, events: [{ type: 'Put', key: 'p/a', revision: 5 }, { type: 'Delete', key: 'p/b', revision: 6 }] }));
    await settle();
    first.emit('error', new Error('connection reset'));
    clock.advance(50);
    const second = await fake.watchStream(1);
    expect(startRevisionOf(second.written[0])).toBe(7);
    second.reply(watchResponse({ revision: 10, created: true }));
    second.reply(watchResponse({ revision: 10, events: [{ type: 'Put', key: 'p/c', revision: 7 }] }));
    await settle();
    await settle();
    expect(events.map((event) => `${event.type} ${event.key}@${event.revision}`)).toEqual(['put p/a@5', 'delete p/b@6', 'put p/c@7']);
    await watch.cancel();
    expect(second.cancelled).toBe(true);
  });

  it('moves its resume point on progress notifications and starts "now" without a start revision', async () => {
    const { fake, clock, start } = setup();
    const starting = start();
    const first = await fake.watchStream(0);
    expect(startRevisionOf(first.written[0])).toBeUndefined();
    first.reply(watchResponse({ revision: 10, created: true }));
    const watch = await starting;
    expect(watch.fromRevision).toBe(11);
    first.reply(watchResponse({ revision: 20 }));
    await settle();
    first.emit('end');
    clock.advance(50);
    expect(startRevisionOf((await fake.watchStream(1)).written[0])).toBe(21);
    await watch.cancel();
  });

  it('ends with COMPACTED and the compaction revision when etcd cancels a watch that fell behind', async () => {
    const { fake, errors, start } = setup();
    const starting = start(3);
    const stream = await fake.watchStream(0);
    stream.reply(watchResponse({ revision: 10, created: true }));
    await starting;
    stream.reply(watchResponse({ revision: 0, canceled: true, compactRevision: 8 }));
    await settle();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe(MetadataStoreErrorCode.COMPACTED);
    expect(errors[0]?.compactRevision).toBe(8);
    expect(stream.cancelled).toBe(true);
  });

  it('refuses a start revision etcd has compacted, before opening a stream', async () => {
    const fake = new FakeEtcd({ range: () => Promise.reject(new GRPCOutOfRangeError('etcdserver: mvcc: required revision has been compacted')) });
    const { start } = setup(fake);
    await expect(start(2)).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED));
    expect(fake.watchStreams).toHaveLength(0);
  });

  it('stops retrying once cancelled', async () => {
    const { fake, clock, start } = setup();
    const starting = start();
    const stream = await fake.watchStream(0);
    stream.reply(watchResponse({ revision: 1, created: true }));
    const watch = await starting;
    stream.emit('error', new Error('gone'));
    await watch.cancel();
    clock.advance(10_000);
    await settle();
    expect(fake.watchStreams).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
