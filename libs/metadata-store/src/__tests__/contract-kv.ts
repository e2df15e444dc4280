/** Contract, part 1: reads, revisions and compare-and-set transactions. */
import { describe, expect, it } from 'vitest';
import { isMetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import type { Compare, MetadataStore } from '../metadata-store.js';
import { compare, operation } from '../operations.js';
import type { HarnessRef } from './metadata-store.contract.js';
import { utf8 } from './watch-collector.js';

const put = (store: MetadataStore, key: string, value: string) => store.txn({ success: [operation.put(key, utf8(value))] });

export function describeKvContract(ref: HarnessRef): void {
  describe('reads and transactions', () => {
    it('returns no value and the store revision for a missing key', async () => {
      const { store } = ref.current;
      const written = await put(store, 'kv/other', 'x');
      const read = await store.get('kv/missing');
      expect(read.kv).toBeUndefined();
      expect(read.revision).toBe(written.revision);
    });

    it('tracks createRevision, modRevision and version across puts', async () => {
      const { store } = ref.current;
      const first = await put(store, 'kv/key', 'one');
      const second = await put(store, 'kv/key', 'two');
      const { kv, revision } = await store.get('kv/key');
      expect(second.revision).toBe(first.revision + 1);
      expect(revision).toBe(second.revision);
      expect(kv).toMatchObject({ key: 'kv/key', createRevision: first.revision, modRevision: second.revision, version: 2, lease: undefined });
      expect(kv?.value.toString()).toBe('two');
    });

    it('bumps the revision once per changing transaction, and not for one that changes nothing', async () => {
      const { store } = ref.current;
      const before = await put(store, 'kv/a', 'a');
      const multi = await store.txn({ success: [operation.put('kv/b', utf8('b')), operation.put('kv/c', utf8('c')), operation.delete('kv/a')] });
      expect(multi.revision).toBe(before.revision + 1);
      const noop = await store.txn({ success: [operation.delete('kv/never-written')] });
      const empty = await store.txn({ compare: [compare.absent('kv/b')] });
      expect(noop).toEqual({ succeeded: true, revision: multi.revision });
      expect(empty).toEqual({ succeeded: false, revision: multi.revision });
      const { kvs } = await store.range('kv/');
      expect(kvs.map((kv) => [kv.key, kv.modRevision])).toEqual([
        ['kv/b', multi.revision],
        ['kv/c', multi.revision],
      ]);
    });

    it('ranges a prefix in UTF-8 byte order, honouring a limit', async () => {
      const { store } = ref.current;
      // U+FFFD sorts before U+1F600 in UTF-8 although JavaScript's `<` says otherwise.
      const keys = ['r/b', 'r/\u{1F600}', 'r/a', 'r/\uFFFD', 'r/a/nested', 'rx/outside', 'r'];
      await store.txn({ success: keys.map((key) => operation.put(key, utf8(key))) });
      const all = await store.range('r/');
      expect(all.kvs.map((kv) => kv.key)).toEqual(['r/a', 'r/a/nested', 'r/b', 'r/\uFFFD', 'r/\u{1F600}']);
      expect(all.kvs[2]?.value.toString()).toBe('r/b');
      const limited = await store.range('r/', { limit: 2 });
      expect(limited.kvs.map((kv) => kv.key)).toEqual(['r/a', 'r/a/nested']);
      expect(limited.revision).toBe(all.revision);
      expect((await store.range('')).kvs).toHaveLength(keys.length);
    });

    it('applies the success branch when every compare holds, and the failure branch otherwise', async () => {
      const { store } = ref.current;
      await put(store, 'cas/state', 'v1');
      const conditions = [compare.value('cas/state', '==', utf8('v1')), compare.absent('cas/lock')];
      const first = await store.txn({ compare: conditions, success: [operation.put('cas/lock', utf8('held'))], failure: [operation.put('cas/failed', utf8('1'))] });
      const second = await store.txn({ compare: conditions, success: [operation.put('cas/lock', utf8('again'))], failure: [operation.put('cas/failed', utf8('2'))] });
      expect([first.succeeded, second.succeeded]).toEqual([true, false]);
      expect((await store.get('cas/lock')).kv?.value.toString()).toBe('held');
      expect((await store.get('cas/failed')).kv?.value.toString()).toBe('2');
    });

    it('compares values, versions and revisions with every operator', async () => {
      const { store } = ref.current;
      await put(store, 'cmp/k', 'm');
      const { revision } = await put(store, 'cmp/k', 'm');
      const { kv } = await store.get('cmp/k');
      const created = kv?.createRevision ?? -1;
      const holds = async (condition: Compare) => (await store.txn({ compare: [condition] })).succeeded;
      expect(await holds(compare.value('cmp/k', '==', utf8('m')))).toBe(true);
      expect(await holds(compare.value('cmp/k', '!=', utf8('m')))).toBe(false);
      expect(await holds(compare.value('cmp/k', '<', utf8('n')))).toBe(true);
      expect(await holds(compare.value('cmp/k', '>', utf8('a')))).toBe(true);
      expect(await holds(compare.value('cmp/k', '>', utf8('mm')))).toBe(false);
      expect(await holds(compare.version('cmp/k', '==', 2))).toBe(true);
      expect(await holds(compare.version('cmp/k', '>', 2))).toBe(false);
      expect(await holds(compare.modRevision('cmp/k', '==', revision))).toBe(true);
      expect(await holds(compare.modRevision('cmp/k', '<', revision))).toBe(false);
      expect(await holds(compare.createRevision('cmp/k', '==', created))).toBe(true);
      expect(await holds(compare.createRevision('cmp/k', '<', revision))).toBe(true);
      expect(await holds(compare.createRevision('cmp/k', '!=', created))).toBe(false);
      expect(await holds(compare.absent('cmp/k'))).toBe(false);
      expect(await holds(compare.absent('cmp/none'))).toBe(true);
      expect(await holds(compare.version('cmp/none', '==', 0))).toBe(true);
      expect(await holds(compare.modRevision('cmp/none', '<', 1))).toBe(true);
    });

    it('never matches a value compare on a missing key, whatever the operator', async () => {
      const { store } = ref.current;
      for (const operator of ['==', '!=', '<', '>'] as const) {
        const result = await store.txn({ compare: [compare.value('cmp/missing', operator, utf8('x'))] });
        expect(result.succeeded, operator).toBe(false);
      }
    });

    it('deletes a prefix, and only that prefix', async () => {
      const { store } = ref.current;
      await store.txn({ success: ['del/a', 'del/b/c', 'delx', 'keep/a'].map((key) => operation.put(key, utf8(key))) });
      const result = await store.txn({ success: [operation.deletePrefix('del/')] });
      expect((await store.range('')).kvs.map((kv) => kv.key)).toEqual(['delx', 'keep/a']);
      expect((await store.range('')).revision).toBe(result.revision);
    });

    it('lets exactly one of many racing create-if-absent transactions win', async () => {
      const { store } = ref.current;
      const peer = await ref.current.peer();
      const attempts = Array.from({ length: 16 }, (_, index) =>
        (index % 2 === 0 ? store : peer).txn({ compare: [compare.absent('race/winner')], success: [operation.put('race/winner', utf8(String(index)))] }),
      );
      const results = await Promise.all(attempts);
      const winners = results.flatMap((result, index) => (result.succeeded ? [index] : []));
      expect(winners).toHaveLength(1);
      expect((await store.get('race/winner')).kv?.value.toString()).toBe(String(winners[0]));
    });

    it('serializes compare-and-set increments so none is lost', async () => {
      const { store } = ref.current;
      const increment = async () => {
        for (;;) {
          const { kv } = await store.get('counter');
          const next = Number(kv?.value.toString() ?? '0') + 1;
          const guard = kv ? compare.modRevision('counter', '==', kv.modRevision) : compare.absent('counter');
          if ((await store.txn({ compare: [guard], success: [operation.put('counter', utf8(String(next)))] })).succeeded) return;
        }
      };
      await Promise.all(Array.from({ length: 8 }, increment));
      expect((await store.get('counter')).kv?.value.toString()).toBe('8');
    });

    it('rejects a branch that writes one key twice, and a put on an unknown lease', async () => {
      const { store } = ref.current;
      const twice = store.txn({ success: [operation.put('dup/k', utf8('1')), operation.put('dup/k', utf8('2'))] });
      await expect(twice).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.INVALID_ARGUMENT));
      const overlapping = store.txn({ success: [operation.deletePrefix('dup/'), operation.put('dup/k', utf8('1'))] });
      await expect(overlapping).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.INVALID_ARGUMENT));
      const lease = await store.grantLease(5_000);
      await lease.revoke();
      const orphan = store.txn({ success: [operation.put('dup/leased', utf8('x'), { lease: lease.id })] });
      await expect(orphan).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.LEASE_NOT_FOUND));
      expect((await store.range('dup/')).kvs).toEqual([]);
    });
  });
}
