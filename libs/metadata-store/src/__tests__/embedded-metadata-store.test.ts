/**
 * The embedded store: the shared contract (ManualClock for lease time, a fresh temp dir per
 * test), then what only a store with its own files has to prove — recovery after close, snapshots
 * with journal truncation, torn and corrupt journal tails, durable lease expiry, the dir lock.
 */
import { appendFile, copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '@samsa/common';
import { makeTempDir } from '@samsa/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedMetadataStore, JOURNAL_FILE } from '../embedded/embedded-metadata-store.js';
import { encodeFrame } from '../embedded/frame.js';
import { isMetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import { operation } from '../operations.js';
import { describeMetadataStoreContract } from './metadata-store.contract.js';
import { collectWatch, utf8, within } from './watch-collector.js';

describeMetadataStoreContract('embedded', async () => {
  const dir = await makeTempDir('samsa-meta-');
  const clock = new ManualClock();
  const store = await EmbeddedMetadataStore.open({ dir: dir.path, clock });
  return {
    store,
    peer: async () => store,
    advanceTime: async (ms) => clock.advance(ms),
    shortTtlMs: 1_000,
    close: async () => {
      await store.close();
      await dir.cleanup();
    },
  };
});

describe('EmbeddedMetadataStore durability', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let clock: ManualClock;
  const open = (options: { snapshotThresholdBytes?: number; historyRevisions?: number } = {}) => EmbeddedMetadataStore.open({ dir: dir.path, clock, ...options });
  const put = (store: EmbeddedMetadataStore, key: string, value: string) => store.txn({ success: [operation.put(key, utf8(value))] });

  beforeEach(async () => {
    dir = await makeTempDir('samsa-meta-durable-');
    clock = new ManualClock();
  });
  afterEach(() => dir.cleanup());

  it('recovers keys, versions, revision and leases after a reopen', async () => {
    const store = await open();
    const lease = await store.grantLease(5_000, { autoKeepAlive: false });
    await put(store, 'a', '1');
    const last = await store.txn({ success: [operation.put('a', utf8('2')), operation.put('leased', utf8('x'), { lease: lease.id })] });
    await store.close();

    const reopened = await open();
    expect(reopened.revision).toBe(last.revision);
    expect((await reopened.get('a')).kv).toMatchObject({ version: 2, modRevision: last.revision });
    expect((await reopened.get('leased')).kv?.lease).toBe(lease.id);
    // The lease survived with a fresh TTL and still expires on the new clock.
    const watch = await collectWatch(reopened, 'leased');
    clock.advance(5_001);
    await watch.until(() => watch.events.some((event) => event.type === 'delete'), 'the lease to expire after reopen');
    await reopened.close();

    const again = await open();
    expect((await again.get('leased')).kv).toBeUndefined();
    const orphan = again.txn({ success: [operation.put('k', utf8('v'), { lease: lease.id })] });
    await expect(orphan).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.LEASE_NOT_FOUND));
    const fresh = await again.grantLease(1_000);
    expect(fresh.id).not.toBe(lease.id);
    await again.close();
  });

  it('snapshots past the threshold, truncates the journal and reopens from snapshot plus journal', async () => {
    const store = await open({ snapshotThresholdBytes: 2_048 });
    for (let index = 0; index < 60; index++) await put(store, `k/${String(index).padStart(3, '0')}`, 'x'.repeat(40));
    await store.snapshot(); // the automatic ones ran; this one makes the expectation exact
    expect(store.journalBytes).toBe(0);
    const snapshotRevision = store.revision;
    const after = await put(store, 'k/after', 'y');
    await store.close();
    expect((await stat(join(dir.path, 'snapshot'))).size).toBeGreaterThan(0);

    const reopened = await open();
    expect(reopened.revision).toBe(after.revision);
    expect((await reopened.range('k/')).kvs).toHaveLength(61);
    // History before the snapshot is gone after a restart: such a watch must fail clearly.
    const refused = reopened.watch('k/', { fromRevision: snapshotRevision, onEvents: () => undefined });
    await expect(refused).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED));
    const replayed = await collectWatch(reopened, 'k/', snapshotRevision + 1);
    expect((await replayed.untilCount(1))[0]?.key).toBe('k/after');
    await reopened.close();
  });

  it('does not apply journal entries twice when a crash hit between snapshot rename and truncation', async () => {
    const store = await open();
    await put(store, 'a', '1');
    await put(store, 'a', '2');
    await copyFile(join(dir.path, JOURNAL_FILE), join(dir.path, 'journal.before'));
    await store.snapshot();
    await store.close();
    await copyFile(join(dir.path, 'journal.before'), join(dir.path, JOURNAL_FILE));

    const reopened = await open();
    expect((await reopened.get('a')).kv?.version).toBe(2);
    const next = await put(reopened, 'b', '1');
    await reopened.close();
    const again = await open();
    expect(again.revision).toBe(next.revision);
    await again.close();
  });

  it.each([
    ['a torn frame', (frame: Buffer) => frame.subarray(0, frame.length - 3)],
    ['a frame with a bad checksum', (frame: Buffer) => Buffer.concat([frame.subarray(0, 8), Buffer.from('garbage!'), frame.subarray(16)])],
    ['a header only', (frame: Buffer) => frame.subarray(0, 5)],
  ])('ignores and trims %s at the journal tail, keeping every whole entry', async (_name, damage) => {
    const store = await open();
    await put(store, 'a', '1');
    const last = await put(store, 'b', '2');
    await store.close();
    await appendFile(join(dir.path, JOURNAL_FILE), damage(encodeFrame(Buffer.from(JSON.stringify({ s: 99, r: 99, c: [] })))));

    const reopened = await open();
    expect(reopened.revision).toBe(last.revision);
    const next = await put(reopened, 'c', '3');
    await reopened.close();
    const again = await open();
    expect(again.revision).toBe(next.revision);
    expect((await again.range('')).kvs.map((kv) => kv.key)).toEqual(['a', 'b', 'c']);
    await again.close();
  });

  it('refuses a damaged snapshot instead of silently losing data', async () => {
    const store = await open();
    await put(store, 'a', '1');
    await store.snapshot();
    await store.close();
    const path = join(dir.path, 'snapshot');
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 0xff, bytes.length - 2);
    await writeFile(path, bytes);
    await expect(open()).rejects.toThrow(/corrupt/);
  });

  it('keeps a lease expiry durable across a reopen', async () => {
    const store = await open();
    const lease = await store.grantLease(1_000, { autoKeepAlive: false });
    await store.txn({ success: [operation.put('owned', utf8('v'), { lease: lease.id })] });
    clock.advance(1_001);
    expect(await within(lease.lost, 5_000, 'lease expiry')).toBe('expired');
    await store.close();
    const reopened = await open();
    expect((await reopened.get('owned')).kv).toBeUndefined();
    await reopened.close();
  });

  it('forgets history beyond its retention and says so', async () => {
    const store = await open({ historyRevisions: 3 });
    const first = await put(store, 'h', '1');
    for (let index = 2; index <= 5; index++) await put(store, 'h', String(index));
    await expect(collectWatch(store, 'h', first.revision)).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED));
    const watch = await collectWatch(store, 'h', store.revision - 2);
    expect((await watch.untilCount(3)).map((event) => event.kv?.value.toString())).toEqual(['3', '4', '5']);
    await store.close();
  });

  it('refuses a second open of the same directory', async () => {
    const store = await open();
    await expect(open()).rejects.toThrow(/already open/);
    await store.close();
    await (await open()).close();
  });
});

describe('EmbeddedMetadataStore directory lock', () => {
  it('takes over a stale lock, even one naming this very pid (a restarted container)', async () => {
    const dir = await makeTempDir('samsa-meta-lock-');
    try {
      await writeFile(join(dir.path, 'LOCK'), `${process.pid} left-by-a-previous-incarnation\n`);
      const store = await EmbeddedMetadataStore.open({ dir: dir.path });
      await store.close();
      await writeFile(join(dir.path, 'LOCK'), '2147483646 dead-process\n');
      await (await EmbeddedMetadataStore.open({ dir: dir.path })).close();
    } finally {
      await dir.cleanup();
    }
  });

  it('refuses a directory locked by another live process', async () => {
    const dir = await makeTempDir('samsa-meta-lock-');
    try {
      await writeFile(join(dir.path, 'LOCK'), `${process.ppid} another-writer\n`);
      await expect(EmbeddedMetadataStore.open({ dir: dir.path })).rejects.toThrow(/locked by running process/);
    } finally {
      await dir.cleanup();
    }
  });
});
