/** Contract, part 3: leases, leader election with fencing, and closing. */
import { describe, expect, it } from 'vitest';
import { isMetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import type { MetadataStore } from '../metadata-store.js';
import { compare, operation } from '../operations.js';
import type { HarnessRef } from './metadata-store.contract.js';
import { collectWatch, isPending, utf8, within } from './watch-collector.js';

const ELECTION = 'election/controller';
/** Resolves once `count` candidate keys exist: a read, then a watch from right after it. */
const candidatesVisible = async (store: MetadataStore, count: number) => {
  const { kvs, revision } = await store.range(`${ELECTION}/`);
  const keys = new Set(kvs.map((kv) => kv.key));
  if (keys.size >= count) return;
  const watch = await collectWatch(store, `${ELECTION}/`, revision + 1);
  await watch.until(() => {
    for (const event of watch.events) {
      if (event.type === 'put') keys.add(event.key);
      else keys.delete(event.key);
    }
    watch.events.length = 0;
    return keys.size >= count;
  }, `${count} candidates`);
  await watch.watch.cancel();
};

export function describeLeaseAndElectionContract(ref: HarnessRef): void {
  describe('leases', () => {
    it('deletes the attached keys in one revision and reports the loss when revoked', async () => {
      const { store } = ref.current;
      const lease = await store.grantLease(10_000);
      await store.txn({ success: [operation.put('l/a', utf8('a'), { lease: lease.id }), operation.put('l/b', utf8('b'), { lease: lease.id })] });
      expect((await store.get('l/a')).kv?.lease).toBe(lease.id);
      const watch = await collectWatch(store, 'l/');
      await lease.revoke();
      const [first, second] = await watch.untilCount(2);
      expect([first?.type, second?.type]).toEqual(['delete', 'delete']);
      expect(first?.revision).toBe(second?.revision);
      expect(await within(lease.lost, 5_000, 'lease loss')).toBe('revoked');
      expect(lease.isAlive()).toBe(false);
      expect((await store.range('l/')).kvs).toEqual([]);
      await lease.revoke(); // idempotent
      await watch.watch.cancel();
    });

    it('expires without keepalives: deletes its keys, reports expiry and refuses later keepalives', async () => {
      const harness = ref.current;
      const { store } = harness;
      const lease = await store.grantLease(harness.shortTtlMs, { autoKeepAlive: false });
      await store.txn({ success: [operation.put('ttl/key', utf8('v'), { lease: lease.id })] });
      const watch = await collectWatch(store, 'ttl/');
      await harness.advanceTime(lease.ttlMs + 1);
      await watch.until(() => watch.events.some((event) => event.type === 'delete' && event.key === 'ttl/key'), 'the expiry delete');
      expect(await within(lease.lost, 10_000, 'lease loss')).toBe('expired');
      await expect(lease.keepAlive()).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.LEASE_NOT_FOUND));
      await watch.watch.cancel();
    });

    it('stays alive past its TTL while kept alive automatically', async () => {
      const harness = ref.current;
      const lease = await harness.store.grantLease(harness.shortTtlMs);
      await harness.store.txn({ success: [operation.put('alive/key', utf8('v'), { lease: lease.id })] });
      await harness.advanceTime(lease.ttlMs * 1.6);
      expect(lease.isAlive()).toBe(true);
      expect((await harness.store.get('alive/key')).kv?.lease).toBe(lease.id);
      await lease.keepAlive();
      await lease.revoke();
    });
  });

  describe('leader election', () => {
    it('elects the first candidate, keeps the second waiting, and hands over when the leader resigns', async () => {
      const { store } = ref.current;
      const peer = await ref.current.peer();
      const seen: Array<string | undefined> = [];
      let observedSecond: () => void = () => undefined;
      const secondObserved = new Promise<void>((resolve) => (observedSecond = resolve));
      const observer = await store.observe(ELECTION, (leader) => {
        seen.push(leader?.value.toString());
        if (leader?.value.toString() === 'B') observedSecond();
      });
      expect(observer.leader).toBeUndefined();

      const first = await store.campaign(ELECTION, utf8('A'));
      expect(first.isLeader()).toBe(true);
      const second = peer.campaign(ELECTION, utf8('B'));
      await candidatesVisible(store, 2);
      expect(await isPending(second)).toBe(true);
      expect(observer.leader?.value.toString()).toBe('A');
      expect(observer.leader?.epoch).toBe(first.epoch);

      await first.resign();
      const leader = await within(second, 10_000, 'the second candidate to lead');
      expect(await first.lost).toBe('resigned');
      expect(first.signal.aborted).toBe(true);
      expect(first.isLeader()).toBe(false);
      expect(leader.epoch).toBeGreaterThan(first.epoch);

      const stale = await store.txn({ compare: [first.fence()], success: [operation.put('controller/state', utf8('from A'))] });
      const fresh = await peer.txn({ compare: [leader.fence()], success: [operation.put('controller/state', utf8('from B'))] });
      expect([stale.succeeded, fresh.succeeded]).toEqual([false, true]);
      expect((await store.get('controller/state')).kv?.value.toString()).toBe('from B');

      await within(secondObserved, 5_000, 'the observer to report B');
      expect(observer.leader?.value.toString()).toBe('B');
      expect(seen[0]).toBe('A');
      await observer.cancel();
      await leader.resign();
    });

    it('hands over when the leader lease lapses, and an epoch-fenced write by the ex-leader fails', async () => {
      const harness = ref.current;
      const { store } = harness;
      const peer = await harness.peer();
      const epochKey = 'controller/epoch';
      const leaseA = await store.grantLease(harness.shortTtlMs, { autoKeepAlive: false });
      const first = await store.campaign(ELECTION, utf8('A'), { lease: leaseA });
      const claimed = await store.txn({ compare: [first.fence()], success: [operation.put(epochKey, utf8(String(first.epoch)))] });
      expect(claimed.succeeded).toBe(true);

      const second = peer.campaign(ELECTION, utf8('B'), { ttlMs: 10_000 });
      await candidatesVisible(store, 2);
      await harness.advanceTime(leaseA.ttlMs + 1);
      const leader = await within(second, 15_000, 'the second candidate to lead');
      expect(['lease-lost', 'key-deleted']).toContain(await within(first.lost, 10_000, 'the first leader to learn of its loss'));
      expect(first.signal.aborted).toBe(true);

      const takeover = await peer.txn({
        compare: [leader.fence(), compare.value(epochKey, '==', utf8(String(first.epoch)))],
        success: [operation.put(epochKey, utf8(String(leader.epoch)))],
      });
      expect(takeover.succeeded).toBe(true);
      const stale = await store.txn({
        compare: [compare.value(epochKey, '==', utf8(String(first.epoch)))],
        success: [operation.put('controller/decision', utf8('by A'))],
      });
      expect(stale.succeeded).toBe(false);
      expect((await store.txn({ compare: [first.fence()], success: [operation.put('controller/decision', utf8('by A'))] })).succeeded).toBe(false);
      expect((await store.get('controller/decision')).kv).toBeUndefined();
      await leader.resign();
    });

    it('withdraws a waiting candidate whose campaign is aborted', async () => {
      const { store } = ref.current;
      const peer = await ref.current.peer();
      const first = await store.campaign(ELECTION, utf8('A'));
      const abort = new AbortController();
      const aborted = peer.campaign(ELECTION, utf8('B'), { signal: abort.signal });
      await candidatesVisible(store, 2);
      const watch = await collectWatch(store, `${ELECTION}/`);
      abort.abort();
      await expect(aborted).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.ABORTED));
      await watch.until(() => watch.events.some((event) => event.type === 'delete'), "the withdrawn candidate's delete");
      const third = peer.campaign(ELECTION, utf8('C'));
      await first.resign();
      expect((await within(third, 10_000, 'the third candidate to lead')).value.toString()).toBe('C');
      await (await third).resign();
      await watch.watch.cancel();
    });
  });

  describe('close', () => {
    it('ends watches with CLOSED, reports leases lost, and refuses later calls', async () => {
      const { store } = ref.current;
      const watch = await collectWatch(store, 'closing/');
      const lease = await store.grantLease(10_000);
      await store.close();
      await watch.until(() => watch.errors.length === 1, 'the watch to end');
      expect(watch.errors[0]?.code).toBe(MetadataStoreErrorCode.CLOSED);
      expect(await within(lease.lost, 5_000, 'lease loss')).toBe('closed');
      await expect(store.get('closing/x')).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.CLOSED));
      await expect(store.txn({})).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.CLOSED));
      await store.close(); // idempotent
    });
  });
}
