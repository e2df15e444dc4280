/**
 * The LogStore contract: behaviour every LogStore implementation must show, run against each
 * (log-store.contract.test.ts). Durability across a reopen is checked when the factory can reopen.
 */
import { ErrorCode } from '@samsa/proto';
import { buildRecordBatch } from '@samsa/records';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogConfig } from '../log-config.js';
import type { LogStore } from '../log-store.js';
import { batch, marker, recordsOf, errorCodeOf } from './log-context.js';

export interface LogStoreFixture {
  store: LogStore;
  /** Closes and reopens the same log (omitted for stores without persistence). */
  reopen?: () => Promise<LogStore>;
  cleanup(): Promise<void>;
}

export type LogStoreFactory = (config?: Partial<LogConfig>) => Promise<LogStoreFixture>;

const codeOf = errorCodeOf;

async function offsets(store: LogStore, from = store.logStartOffset): Promise<number[]> {
  const out: number[] = [];
  let offset = from;
  while (offset < store.logEndOffset) {
    const read = await store.read(offset, { maxBytes: 1 << 20 });
    if (read.bytes.length === 0) break;
    out.push(...recordsOf(read.bytes, offset).map((r) => r.offset));
    offset = read.nextOffset;
  }
  return out;
}

export function describeLogStoreContract(name: string, factory: LogStoreFactory): void {
  describe(`LogStore contract: ${name}`, () => {
    const fixtures: LogStoreFixture[] = [];
    const open = async (config?: Partial<LogConfig>) => {
      const fixture = await factory(config);
      fixtures.push(fixture);
      return fixture;
    };
    afterEach(async () => {
      await Promise.all(fixtures.splice(0).map((fixture) => fixture.cleanup()));
    });

    it('assigns consecutive offsets from the log end offset and reads them back', async () => {
      const { store } = await open();
      expect((await store.append(batch(3), { origin: 'leader', leaderEpoch: 1 })).baseOffset).toBe(0);
      expect((await store.append(batch(2), { origin: 'leader', leaderEpoch: 1 })).lastOffset).toBe(4);
      expect([store.logStartOffset, store.logEndOffset]).toEqual([0, 5]);
      expect(await offsets(store)).toEqual([0, 1, 2, 3, 4]);
      expect(await offsets(store, 3)).toEqual([3, 4]);
    });

    it('leaves the log unchanged when an append is rejected', async () => {
      const { store } = await open({ maxMessageBytes: 4096 });
      await store.append(batch(1), { origin: 'leader' });
      const corrupt = batch(2);
      corrupt.writeUInt8(corrupt.readUInt8(70) ^ 1, 70);
      expect(await codeOf(store.append(corrupt, { origin: 'leader' }))).toBe(ErrorCode.CORRUPT_MESSAGE);
      expect(await codeOf(store.append(batch(1, { valueBytes: 5000 }), { origin: 'leader' }))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
      expect(await codeOf(store.append(Buffer.alloc(0), { origin: 'leader' }))).toBe(ErrorCode.INVALID_RECORD);
      expect(store.logEndOffset).toBe(1);
      expect(await offsets(store)).toEqual([0]);
    });

    it('answers OFFSET_OUT_OF_RANGE outside the log and an empty read at its end', async () => {
      const { store } = await open();
      await store.append(batch(2), { origin: 'leader' });
      expect(await codeOf(store.read(3, { maxBytes: 100 }))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
      expect((await store.read(2, { maxBytes: 100 })).bytes.length).toBe(0);
    });

    it('de-duplicates an idempotent retry and rejects gaps and fenced epochs', async () => {
      const { store } = await open();
      const first = batch(2, { producer: { id: 11, epoch: 2, sequence: 0 } });
      const retry = Buffer.from(first);
      await store.append(first, { origin: 'leader' });
      expect(await store.append(retry, { origin: 'leader' })).toMatchObject({ baseOffset: 0, duplicate: true });
      expect(await codeOf(store.append(batch(1, { producer: { id: 11, epoch: 2, sequence: 9 } }), { origin: 'leader' }))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
      expect(await codeOf(store.append(batch(1, { producer: { id: 11, epoch: 1, sequence: 2 } }), { origin: 'leader' }))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
      expect(store.producerState(11)).toMatchObject({ epoch: 2 });
      expect(store.logEndOffset).toBe(2);
    });

    it('reports open and aborted transactions', async () => {
      const { store } = await open();
      const txn = { id: 31, epoch: 0 };
      await store.append(batch(2, { producer: { ...txn, sequence: 0 }, transactional: true }), { origin: 'leader' });
      expect(store.firstUnstableOffset()).toBe(0);
      await store.append(marker('abort', txn), { origin: 'leader' });
      expect(store.firstUnstableOffset()).toBeUndefined();
      expect(store.abortedTransactions(0, store.logEndOffset)).toEqual([{ producerId: 31, firstOffset: 0, lastOffset: 2, lastStableOffset: 3 }]);
      expect(store.abortedTransactions(3, 10)).toEqual([]);
    });

    it('truncates to an offset and answers epoch queries from what remains', async () => {
      const { store } = await open();
      await store.append(batch(2), { origin: 'leader', leaderEpoch: 1 });
      await store.append(batch(2), { origin: 'leader', leaderEpoch: 2 });
      await store.append(batch(2), { origin: 'leader', leaderEpoch: 3 });
      expect(store.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
      await store.truncateTo(4);
      expect([store.logEndOffset, store.latestEpoch]).toEqual([4, 2]);
      expect(store.endOffsetForEpoch(2)).toEqual({ epoch: 2, startOffset: 4 });
      await store.truncateFullyAndStartAt(50);
      expect([store.logStartOffset, store.logEndOffset]).toEqual([50, 50]);
    });

    it('records a new leader epoch at the log end offset before anything is written in it (spec §6.6)', async () => {
      const { store } = await open();
      await store.append(batch(2), { origin: 'leader', leaderEpoch: 1 });
      // Before the assignment the leader knows no epoch above 1: a follower asking for 2 learns nothing.
      expect(store.endOffsetForEpoch(2)).toEqual({ epoch: -1, startOffset: -1 });
      await store.assignLeaderEpoch(3);
      expect([store.latestEpoch, store.logEndOffset]).toEqual([3, 2]);
      expect(store.endOffsetForEpoch(2)).toEqual({ epoch: 1, startOffset: 2 });
      expect(store.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
      expect(store.endOffsetForEpoch(3)).toEqual({ epoch: 3, startOffset: 2 });
      // Not newer than the latest epoch: nothing changes.
      await store.assignLeaderEpoch(3);
      await store.assignLeaderEpoch(2);
      await store.assignLeaderEpoch(-1);
      expect([store.latestEpoch, store.endOffsetForEpoch(2).startOffset]).toEqual([3, 2]);
      // Writing in the epoch keeps its start; the end moves with the log.
      await store.append(batch(2), { origin: 'leader', leaderEpoch: 3 });
      expect(store.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
      expect(store.endOffsetForEpoch(3)).toEqual({ epoch: 3, startOffset: 4 });
      // A newer epoch assigned at the same offset replaces one that was never written in.
      await store.assignLeaderEpoch(5);
      await store.assignLeaderEpoch(6);
      expect(store.latestEpoch).toBe(6);
      expect(store.endOffsetForEpoch(5)).toEqual({ epoch: 3, startOffset: 4 });
      expect(store.endOffsetForEpoch(6)).toEqual({ epoch: 6, startOffset: 4 });
    });

    it('runs a leader epoch assignment in turn with the appends around it', async () => {
      const { store } = await open();
      const before = store.append(batch(2), { origin: 'leader', leaderEpoch: 1 });
      const assigned = store.assignLeaderEpoch(2);
      const after = store.append(batch(3), { origin: 'leader', leaderEpoch: 2 });
      expect((await before).baseOffset).toBe(0);
      await assigned;
      expect((await after).baseOffset).toBe(2);
      expect(store.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
      expect(store.endOffsetForEpoch(2)).toEqual({ epoch: 2, startOffset: 5 });
    });

    it('drops leader epochs that nothing was written in when the replica stops leading', async () => {
      const { store } = await open();
      await store.append(batch(2), { origin: 'leader', leaderEpoch: 1 });
      await store.assignLeaderEpoch(2);
      await store.dropUnwrittenLeaderEpochs();
      expect(store.latestEpoch).toBe(1);
      expect(store.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
      await store.assignLeaderEpoch(4);
      await store.append(batch(1), { origin: 'leader', leaderEpoch: 4 });
      await store.dropUnwrittenLeaderEpochs();
      expect(store.latestEpoch).toBe(4);
      expect(store.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
    });

    it('accepts replica appends only at the log end offset, keeping the leader offsets', async () => {
      const { store } = await open();
      const fromLeader = buildRecordBatch([{ value: 'a', timestamp: 1 }, { value: 'b', timestamp: 2 }], { baseOffset: 0, partitionLeaderEpoch: 7 });
      await store.append(fromLeader, { origin: 'replica' });
      expect([store.logEndOffset, store.latestEpoch]).toEqual([2, 7]);
      const gap = buildRecordBatch([{ value: 'c', timestamp: 3 }], { baseOffset: 5, partitionLeaderEpoch: 7 });
      expect(await codeOf(store.append(gap, { origin: 'replica' }))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    });

    it('moves the log start offset forward with deleteRecordsBefore', async () => {
      const { store } = await open();
      await store.append(batch(5), { origin: 'leader' });
      expect(await store.deleteRecordsBefore(3)).toBe(3);
      expect(await codeOf(store.read(2, { maxBytes: 100 }))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
      expect(await offsets(store)).toEqual([3, 4]);
      expect(await store.deleteRecordsBefore(1)).toBe(3);
    });

    it('finds offsets by timestamp', async () => {
      const { store } = await open();
      await store.append(batch(3, { timestamp: 1000 }), { origin: 'leader', leaderEpoch: 4 });
      await store.append(batch(3, { timestamp: 2000 }), { origin: 'leader', leaderEpoch: 4 });
      expect(await store.offsetForTimestamp(1001)).toEqual({ offset: 1, timestamp: 1001, leaderEpoch: 4 });
      expect(await store.offsetForTimestamp(1500)).toEqual({ offset: 3, timestamp: 2000, leaderEpoch: 4 });
      expect(await store.offsetForTimestamp(5000)).toBeUndefined();
    });

    it('finds the record with the largest timestamp', async () => {
      const { store } = await open();
      expect(await store.maxTimestamp()).toBeUndefined();
      await store.append(batch(3, { timestamp: 1000 }), { origin: 'leader', leaderEpoch: 1 });
      await store.append(batch(2, { timestamp: 9000 }), { origin: 'leader', leaderEpoch: 1 });
      await store.append(batch(3, { timestamp: 2000 }), { origin: 'leader', leaderEpoch: 1 });
      expect(await store.maxTimestamp()).toEqual({ offset: 4, timestamp: 9001, leaderEpoch: 1 });
    });

    it('keeps everything across a reopen (persistent stores)', async () => {
      const fixture = await open();
      if (!fixture.reopen) {
        expect(fixture.store.recoveryPoint).toBe(fixture.store.logEndOffset);
        return;
      }
      await fixture.store.append(batch(3, { producer: { id: 5, epoch: 0, sequence: 0 } }), { origin: 'leader', leaderEpoch: 2 });
      const reopened = await fixture.reopen();
      expect(await offsets(reopened)).toEqual([0, 1, 2]);
      expect(reopened.latestEpoch).toBe(2);
      expect(reopened.producerState(5)).toMatchObject({ epoch: 0 });
      await reopened.assignLeaderEpoch(4);
      await reopened.append(batch(1), { origin: 'leader', leaderEpoch: 4 });
      const again = await fixture.reopen();
      expect(again.latestEpoch).toBe(4);
      expect(again.endOffsetForEpoch(3)).toEqual({ epoch: 2, startOffset: 3 });
    });
  });
}
