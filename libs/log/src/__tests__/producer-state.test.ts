import { ErrorCode } from '@samsa/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batch, logContext, marker, readAll, type LogContext, errorCodeOf } from './log-context.js';

let ctx: LogContext;
beforeEach(async () => (ctx = await logContext()));
afterEach(async () => ctx.cleanup());

const codeOf = errorCodeOf;

const producer = (sequence: number, epoch = 0) => ({ id: 4242, epoch, sequence });

describe('idempotent appends', () => {
  it('answers a retried batch with its original offsets and writes nothing', async () => {
    const log = await ctx.open();
    const first = batch(3, { producer: producer(0) });
    const retry = Buffer.from(first);
    const appended = await log.append(first, { origin: 'leader' });
    await log.append(batch(2), { origin: 'leader' });
    const again = await log.append(retry, { origin: 'leader' });
    expect(again).toMatchObject({ baseOffset: appended.baseOffset, lastOffset: appended.lastOffset, duplicate: true });
    expect(log.logEndOffset).toBe(5);
  });

  it('rejects a sequence gap and an older epoch, leaving the log unchanged', async () => {
    const log = await ctx.open();
    await log.append(batch(2, { producer: producer(0, 1) }), { origin: 'leader' });
    expect(await codeOf(log.append(batch(1, { producer: producer(5, 1) }), { origin: 'leader' }))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await codeOf(log.append(batch(1, { producer: producer(2, 0) }), { origin: 'leader' }))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await codeOf(log.append(batch(1, { producer: producer(3, 2) }), { origin: 'leader' }))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.logEndOffset).toBe(2);
    expect((await log.append(batch(1, { producer: producer(2, 1) }), { origin: 'leader' })).baseOffset).toBe(2);
    expect((await log.append(batch(1, { producer: producer(0, 2) }), { origin: 'leader' })).baseOffset).toBe(3);
  });

  it('remembers producer state across a clean reopen (snapshot) and a crash (replay)', async () => {
    let log = await ctx.open({ segmentBytes: 1024 });
    let sequence = 0;
    for (let i = 0; i < 10; i++) {
      await log.append(batch(2, { producer: producer(sequence), valueBytes: 100 }), { origin: 'leader' });
      sequence += 2;
    }
    const lastBatch = batch(2, { producer: producer(sequence), valueBytes: 100 });
    const retry = Buffer.from(lastBatch);
    await log.append(lastBatch, { origin: 'leader' });
    await log.close();
    log = await ctx.open({ segmentBytes: 1024 });
    expect((await log.append(Buffer.from(retry), { origin: 'leader' })).duplicate).toBe(true);
    // No close: the next open is unclean and rebuilds state from the snapshot at the last roll plus a replay.
    const crashed = await ctx.open({ segmentBytes: 1024 });
    expect((await crashed.append(Buffer.from(retry), { origin: 'leader' })).duplicate).toBe(true);
    expect(await codeOf(crashed.append(batch(1, { producer: producer(sequence + 5) }), { origin: 'leader' }))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });
});

describe('transactions', () => {
  it('tracks the first unstable offset and indexes aborted transactions for read_committed', async () => {
    const log = await ctx.open();
    const txn = { id: 77, epoch: 0 };
    await log.append(batch(1), { origin: 'leader' });
    await log.append(batch(2, { producer: { ...txn, sequence: 0 }, transactional: true }), { origin: 'leader' });
    expect(log.firstUnstableOffset()).toBe(1);
    await log.append(marker('abort', txn), { origin: 'leader' });
    expect(log.firstUnstableOffset()).toBeUndefined();
    expect(log.abortedTransactions(0, log.logEndOffset)).toEqual([{ producerId: 77, firstOffset: 1, lastOffset: 3, lastStableOffset: 4 }]);
    await log.append(batch(1, { producer: { ...txn, sequence: 2 }, transactional: true }), { origin: 'leader' });
    await log.append(marker('commit', txn), { origin: 'leader' });
    expect(log.abortedTransactions(0, log.logEndOffset)).toHaveLength(1);
    expect((await readAll(log)).map((r) => r.offset)).toEqual([0, 1, 2, 4]);
  });

  it('rejects a non-transactional batch while the producer has an open transaction', async () => {
    const log = await ctx.open();
    await log.append(batch(1, { producer: { id: 5, epoch: 0, sequence: 0 }, transactional: true }), { origin: 'leader' });
    expect(await codeOf(log.append(batch(1, { producer: { id: 5, epoch: 0, sequence: 1 } }), { origin: 'leader' }))).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('fences a marker from an older coordinator epoch', async () => {
    const log = await ctx.open();
    const txn = { id: 9, epoch: 0 };
    await log.append(batch(1, { producer: { ...txn, sequence: 0 }, transactional: true }), { origin: 'leader' });
    await log.append(marker('commit', txn, 5), { origin: 'leader' });
    expect(await codeOf(log.append(marker('commit', txn, 4), { origin: 'leader' }))).toBe(ErrorCode.TRANSACTION_COORDINATOR_FENCED);
  });
});
