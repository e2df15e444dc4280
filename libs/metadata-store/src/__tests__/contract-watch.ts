/** Contract, part 2: watches — order, atomic batches, history replay, compaction, cancel. */
import { describe, expect, it } from 'vitest';
import { isMetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import type { MetadataStore, WatchEvent } from '../metadata-store.js';
import { operation } from '../operations.js';
import type { HarnessRef } from './metadata-store.contract.js';
import { collectWatch, utf8 } from './watch-collector.js';

const put = (store: MetadataStore, key: string, value: string) => store.txn({ success: [operation.put(key, utf8(value))] });
const summary = (events: readonly WatchEvent[]) => events.map((event) => `${event.type} ${event.key}@${event.revision}`);

export function describeWatchContract(ref: HarnessRef): void {
  describe('watches', () => {
    it('delivers puts and deletes under the prefix, in revision order, with their revisions', async () => {
      const { store } = ref.current;
      const watch = await collectWatch(store, 'w/');
      const a = await put(store, 'w/a', '1');
      await put(store, 'elsewhere/x', 'ignored');
      const b = await put(store, 'w/b', '2');
      const deleted = await store.txn({ success: [operation.delete('w/a')] });
      const events = await watch.untilCount(3);
      expect(summary(events)).toEqual([`put w/a@${a.revision}`, `put w/b@${b.revision}`, `delete w/a@${deleted.revision}`]);
      expect(events[1]?.kv).toMatchObject({ key: 'w/b', createRevision: b.revision, modRevision: b.revision, version: 1 });
      expect(events[1]?.kv?.value.toString()).toBe('2');
      expect(events[2]?.kv).toBeUndefined();
      await watch.watch.cancel();
    });

    it('delivers all changes of one transaction together, at one revision', async () => {
      const { store } = ref.current;
      await put(store, 'batch/old', 'x');
      const watch = await collectWatch(store, 'batch/');
      const result = await store.txn({ success: [operation.put('batch/a', utf8('a')), operation.put('batch/b', utf8('b')), operation.delete('batch/old')] });
      await watch.untilCount(3);
      const batch = watch.batches.find((candidate) => candidate.some((event) => event.key === 'batch/a'));
      expect(batch && summary(batch)).toEqual([`put batch/a@${result.revision}`, `put batch/b@${result.revision}`, `delete batch/old@${result.revision}`]);
      await watch.watch.cancel();
    });

    it('replays history from a past revision, then continues live with no gap and no repeat', async () => {
      const { store } = ref.current;
      await put(store, 'h/1', 'a');
      const second = await put(store, 'h/2', 'b');
      const third = await put(store, 'h/3', 'c');
      const watch = await collectWatch(store, 'h/', second.revision);
      expect(watch.watch.fromRevision).toBe(second.revision);
      await watch.untilCount(2);
      const fourth = await put(store, 'h/4', 'd');
      await watch.untilCount(3);
      expect(watch.events.map((event) => event.revision)).toEqual([second.revision, third.revision, fourth.revision]);
      await watch.watch.cancel();
    });

    it('starts after the current revision when no start revision is given', async () => {
      const { store } = ref.current;
      const before = await put(store, 'now/old', 'x');
      const watch = await collectWatch(store, 'now/');
      expect(watch.watch.fromRevision).toBe(before.revision + 1);
      const next = await put(store, 'now/new', 'y');
      expect(summary(await watch.untilCount(1))).toEqual([`put now/new@${next.revision}`]);
      await watch.watch.cancel();
    });

    it('refuses to watch from a compacted revision, and accepts the compaction revision itself', async () => {
      const { store } = ref.current;
      const first = await put(store, 'c/1', 'a');
      const second = await put(store, 'c/2', 'b');
      await put(store, 'c/3', 'c');
      await store.compact(second.revision);
      const refused = collectWatch(store, 'c/', first.revision);
      await expect(refused).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED));
      const watch = await collectWatch(store, 'c/', second.revision);
      expect(summary(await watch.untilCount(2)).map((line) => line.split('@')[0])).toEqual(['put c/2', 'put c/3']);
      await store.compact(first.revision); // at or below an earlier compaction: a no-op
      await watch.watch.cancel();
    });

    it('misses nothing and repeats nothing when writes race the start of a watch', async () => {
      const { store } = ref.current;
      const start = await put(store, 'race/start', '0');
      const writes = Array.from({ length: 30 }, (_, index) => put(store, `race/${index % 5}`, String(index)));
      const watch = await collectWatch(store, 'race/', start.revision);
      const results = await Promise.all(writes);
      const expected = [start.revision, ...results.map((result) => result.revision)].sort((a, b) => a - b);
      await watch.untilCount(expected.length);
      expect(watch.events.map((event) => event.revision)).toEqual(expected);
      await watch.watch.cancel();
    });

    it('delivers nothing after cancel resolves', async () => {
      const { store } = ref.current;
      const cancelled = await collectWatch(store, 'x/');
      const witness = await collectWatch(store, 'x/');
      await cancelled.watch.cancel();
      await put(store, 'x/after', '1');
      await witness.untilCount(1); // the change has been delivered to watchers
      expect(cancelled.events).toEqual([]);
      expect(cancelled.errors).toEqual([]);
      await witness.watch.cancel();
    });
  });
}
