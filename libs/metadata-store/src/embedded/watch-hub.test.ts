import { silentLogger } from '@samsa/common';
import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../metadata-store.js';
import { closedError } from '../metadata-store-error.js';
import { WatchHub } from './watch-hub.js';

const event = (key: string, revision: number): WatchEvent => ({ type: 'delete', key, revision, kv: undefined });
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('WatchHub', () => {
  it('delivers asynchronously, backlog first, filtered by prefix and start revision', async () => {
    const hub = new WatchHub(silentLogger);
    const seen: string[] = [];
    hub.subscribe('a/', 3, [{ events: [event('a/old', 2), event('a/x', 3), event('b/x', 3)] }], {
      onEvents: (events) => seen.push(...events.map((e) => `${e.key}@${e.revision}`)),
    });
    hub.publish([event('a/y', 4)]);
    expect(seen).toEqual([]);
    await flush();
    expect(seen).toEqual(['a/x@3', 'a/y@4']);
  });

  it('survives a throwing listener and still ends watchers with the close error after their events', async () => {
    const hub = new WatchHub(silentLogger);
    const order: string[] = [];
    hub.subscribe('', 1, [], {
      onEvents: () => {
        order.push('events');
        throw new Error('listener bug');
      },
      onError: (error) => order.push(error.code),
    });
    hub.publish([event('k', 2)]);
    hub.endAll(closedError());
    await flush();
    expect(order).toEqual(['events', 'CLOSED']);
    expect(hub.size).toBe(0);
  });

  it('drops pending events of a cancelled watcher', async () => {
    const hub = new WatchHub(silentLogger);
    const seen: WatchEvent[] = [];
    const watch = hub.subscribe('', 1, [], { onEvents: (events) => seen.push(...events) });
    hub.publish([event('k', 2)]);
    await watch.cancel();
    await flush();
    expect(seen).toEqual([]);
  });
});
