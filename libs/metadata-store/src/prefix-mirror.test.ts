import { describe, expect, it } from 'vitest';
import type { KeyValue, RangeResult, Watch, WatchOptions } from './metadata-store.js';
import { compactedError, closedError } from './metadata-store-error.js';
import { PrefixMirror, type MirrorStore } from './prefix-mirror.js';

const kv = (key: string, revision: number): KeyValue => ({ key, value: Buffer.from(key), createRevision: revision, modRevision: revision, version: 1, lease: undefined });

/** A store double whose range results and watch callbacks the test controls. */
class ScriptedStore implements MirrorStore {
  readonly watches: Array<{ options: WatchOptions; cancelled: boolean }> = [];
  constructor(public snapshot: RangeResult) {}
  async range(): Promise<RangeResult> {
    return this.snapshot;
  }
  async watch(_prefix: string, options: WatchOptions): Promise<Watch> {
    const entry = { options, cancelled: false };
    this.watches.push(entry);
    return { fromRevision: options.fromRevision ?? 0, cancel: async () => void (entry.cancelled = true) };
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PrefixMirror', () => {
  it('watches from the read revision + 1 and applies events in order', async () => {
    const store = new ScriptedStore({ kvs: [kv('p/a', 2)], revision: 5 });
    const changes: string[][] = [];
    const mirror = await PrefixMirror.open(store, 'p/', { onChange: (m) => changes.push([...m.entries.keys()]), onEnd: () => undefined });
    expect(store.watches[0]?.options.fromRevision).toBe(6);
    store.watches[0]?.options.onEvents([
      { type: 'put', key: 'p/b', revision: 6, kv: kv('p/b', 6) },
      { type: 'delete', key: 'p/a', revision: 6, kv: undefined },
    ]);
    expect(changes).toEqual([['p/a'], ['p/b']]);
    expect(mirror.revision).toBe(6);
    await mirror.close();
    expect(store.watches[0]?.cancelled).toBe(true);
  });

  it('re-reads and re-watches when its watch reports COMPACTED', async () => {
    const store = new ScriptedStore({ kvs: [kv('p/a', 2)], revision: 5 });
    const changes: string[][] = [];
    const mirror = await PrefixMirror.open(store, 'p/', { onChange: (m) => changes.push([...m.entries.keys()]), onEnd: () => undefined });
    store.snapshot = { kvs: [kv('p/z', 40)], revision: 50 };
    store.watches[0]?.options.onError?.(compactedError(6, 30));
    await settle();
    expect(store.watches[1]?.options.fromRevision).toBe(51);
    expect(changes.at(-1)).toEqual(['p/z']);
    expect(mirror.revision).toBe(50);
    await mirror.close();
  });

  it('ends on any other watch error', async () => {
    const store = new ScriptedStore({ kvs: [], revision: 1 });
    const ended: string[] = [];
    await PrefixMirror.open(store, 'p/', { onChange: () => undefined, onEnd: (error) => ended.push(error.code) });
    store.watches[0]?.options.onError?.(closedError());
    expect(ended).toEqual(['CLOSED']);
  });
});
