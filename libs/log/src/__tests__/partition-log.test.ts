import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '@samsa/proto';
import { CompressionType, iterateBatches } from '@samsa/records';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@samsa/common';
import { applyRetention, startMaintenance } from '../log-maintenance.js';
import { batch, keyedBatch, logContext, readAll, recordsOf, type LogContext, errorCodeOf } from './log-context.js';
import type { LogSegment } from '../log-segment.js';

let ctx: LogContext;
beforeEach(async () => (ctx = await logContext()));
afterEach(async () => ctx.cleanup());

const codeOf = errorCodeOf;

describe('PartitionLog append and read', () => {
  it('assigns consecutive offsets and reads back exactly what was appended, whole batches only', async () => {
    const log = await ctx.open();
    const first = await log.append(batch(3), { origin: 'leader', leaderEpoch: 0 });
    const second = await log.append(batch(2, { compression: CompressionType.GZIP }), { origin: 'leader', leaderEpoch: 0 });
    expect([first.baseOffset, first.lastOffset, second.baseOffset, second.lastOffset]).toEqual([0, 2, 3, 4]);
    expect(log.logEndOffset).toBe(5);

    const fromMiddle = await log.read(1, { maxBytes: 1 << 20 });
    expect(fromMiddle.firstOffset).toBe(0);
    expect(recordsOf(fromMiddle.bytes, 1).map((r) => r.offset)).toEqual([1, 2, 3, 4]);
    expect((await readAll(log)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it('stops before a batch that does not fit but always returns at least one whole batch', async () => {
    const log = await ctx.open();
    for (let i = 0; i < 4; i++) await log.append(batch(1, { valueBytes: 1000 }), { origin: 'leader' });
    const one = await log.read(0, { maxBytes: 10 });
    expect([...iterateBatches(one.bytes)]).toHaveLength(1);
    const two = await log.read(0, { maxBytes: 2 * one.bytes.length + 5 });
    expect([...iterateBatches(two.bytes)]).toHaveLength(2);
    const none = await log.read(0, { maxBytes: 10, minOneBatch: false });
    expect(none.bytes.length).toBe(0);
  });

  it('never returns batches at or beyond maxOffset (the high watermark)', async () => {
    const log = await ctx.open();
    await log.append(batch(2), { origin: 'leader' });
    await log.append(batch(2), { origin: 'leader' });
    expect(recordsOf((await log.read(0, { maxBytes: 1 << 20, maxOffset: 2 })).bytes).map((r) => r.offset)).toEqual([0, 1]);
    expect((await log.read(2, { maxBytes: 1 << 20, maxOffset: 2 })).bytes.length).toBe(0);
  });

  it('answers OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset] and nothing at the end', async () => {
    const log = await ctx.open();
    await log.append(batch(2), { origin: 'leader' });
    expect(await codeOf(log.read(3, { maxBytes: 100 }))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await log.read(2, { maxBytes: 100 })).bytes.length).toBe(0);
    await log.deleteRecordsBefore(1);
    expect(await codeOf(log.read(0, { maxBytes: 100 }))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('rolls segments on segment.bytes and reads across them, through the sparse index', async () => {
    const log = await ctx.open({ segmentBytes: 8 * 1024, indexIntervalBytes: 1024 });
    for (let i = 0; i < 60; i++) await log.append(batch(2, { valueBytes: 300 }), { origin: 'leader' });
    expect(log.segments.length).toBeGreaterThan(4);
    const names = await readdir(ctx.dir);
    expect(names).toContain('00000000000000000000.log');
    expect(names.filter((n) => n.endsWith('.log')).length).toBe(log.segments.length);
    expect(names.filter((n) => n.endsWith('.index')).length).toBeGreaterThanOrEqual(log.segments.length - 1);
    for (const target of [0, 37, 64, 119]) expect(recordsOf((await log.read(target, { maxBytes: 1 })).bytes, target)[0]?.offset).toBe(target);
    expect((await readAll(log)).map((r) => r.offset)).toEqual(Array.from({ length: 120 }, (_, i) => i));
  });

  it('finds the first offset at or after a timestamp', async () => {
    const log = await ctx.open({ segmentBytes: 4096, indexIntervalBytes: 256 });
    for (let i = 0; i < 30; i++) await log.append(batch(2, { timestamp: 1_000_000 + i * 10, valueBytes: 100 }), { origin: 'leader', leaderEpoch: 3 });
    expect(await log.offsetForTimestamp(1_000_000 + 155)).toEqual({ offset: 32, timestamp: 1_000_160, leaderEpoch: 3 });
    expect(await log.offsetForTimestamp(1_000_001)).toMatchObject({ offset: 1 });
    expect(await log.offsetForTimestamp(9_000_000)).toBeUndefined();
  });

  it('stamps LogAppendTime when the topic asks for it', async () => {
    const log = await ctx.open({ messageTimestampType: 'LogAppendTime' });
    const result = await log.append(batch(2, { timestamp: 5 }), { origin: 'leader' });
    expect(result.logAppendTimeMs).toBe(ctx.clock.nowMs());
    const [view] = [...iterateBatches((await log.read(0, { maxBytes: 1 << 20 })).bytes)];
    expect(view?.maxTimestamp).toBe(ctx.clock.nowMs());
  });
});

describe('PartitionLog bad input', () => {
  it('rejects a corrupt, oversized or malformed batch with the fitting code and changes nothing', async () => {
    const log = await ctx.open({ maxMessageBytes: 2000 });
    await log.append(batch(1), { origin: 'leader' });
    const corrupt = batch(2);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    expect(await codeOf(log.append(corrupt, { origin: 'leader' }))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(await codeOf(log.append(batch(1, { valueBytes: 3000 }), { origin: 'leader' }))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    const torn = batch(2).subarray(0, 40);
    expect(await codeOf(log.append(torn, { origin: 'leader' }))).toBe(ErrorCode.CORRUPT_MESSAGE);
    const wrongMagic = batch(1);
    wrongMagic[16] = 1;
    expect(await codeOf(log.append(wrongMagic, { origin: 'leader' }))).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(log.logEndOffset).toBe(1);
    expect((await readAll(log)).length).toBe(1);
  });
});

describe('PartitionLog durability', () => {
  it('reopens after a clean close with the same data, epochs and offsets, reading no batch data', async () => {
    let log = await ctx.open({ segmentBytes: 4096 });
    for (let i = 0; i < 20; i++) await log.append(batch(3, { valueBytes: 200 }), { origin: 'leader', leaderEpoch: i < 10 ? 1 : 2 });
    const before = await readAll(log);
    await log.close();
    log = await ctx.open({ segmentBytes: 4096 });
    expect(log.logEndOffset).toBe(60);
    expect(await readAll(log)).toEqual(before);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 30 });
    await log.append(batch(1), { origin: 'leader', leaderEpoch: 2 });
    expect(log.logEndOffset).toBe(61);
  });

  it('recovers after a crash: a torn last batch is cut and everything before it stays', async () => {
    const log = await ctx.open();
    for (let i = 0; i < 5; i++) await log.append(batch(2), { origin: 'leader' });
    const path = join(ctx.dir, '00000000000000000000.log');
    // The segment's bytes, not the file's: direct appends leave zero padding after them.
    const size = (log.segments.at(-1) as LogSegment).size;
    await truncate(path, size - 7);
    const reopened = await ctx.open();
    expect(reopened.logEndOffset).toBe(8);
    expect((await readAll(reopened)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect((await reopened.append(batch(1), { origin: 'leader' })).baseOffset).toBe(8);
  });

  it('recovers after a crash that left the zero padding of direct appends: every batch stays, the padding goes', async () => {
    const log = await ctx.open();
    for (let i = 0; i < 5; i++) await log.append(batch(2, { valueBytes: 333 }), { origin: 'leader' });
    const path = join(ctx.dir, '00000000000000000000.log');
    const size = (log.segments.at(-1) as LogSegment).size;
    expect((await stat(path)).size).toBeGreaterThan(size);
    const before = await readAll(log);
    const reopened = await ctx.open();
    expect(reopened.logEndOffset).toBe(10);
    expect(await readAll(reopened)).toEqual(before);
    expect((await stat(path)).size).toBe(size);
    expect((await reopened.append(batch(1), { origin: 'leader' })).baseOffset).toBe(10);
  });

  it('leaves a segment file exactly as long as its batches after a clean close', async () => {
    const log = await ctx.open();
    for (let i = 0; i < 3; i++) await log.append(batch(1, { valueBytes: 100 }), { origin: 'leader' });
    const size = (log.segments.at(-1) as LogSegment).size;
    await log.close();
    expect((await stat(join(ctx.dir, '00000000000000000000.log'))).size).toBe(size);
  });

  it('rebuilds a corrupt index instead of trusting it', async () => {
    let log = await ctx.open({ indexIntervalBytes: 100 });
    for (let i = 0; i < 30; i++) await log.append(batch(2, { valueBytes: 100 }), { origin: 'leader' });
    await log.close();
    await writeFile(join(ctx.dir, '00000000000000000000.index'), Buffer.alloc(64, 0x7f));
    log = await ctx.open({ indexIntervalBytes: 100 });
    for (const target of [0, 17, 59]) expect(recordsOf((await log.read(target, { maxBytes: 1 })).bytes, target)[0]?.offset).toBe(target);
    await log.close();
    const rebuilt = await readFile(join(ctx.dir, '00000000000000000000.index'));
    expect(rebuilt.length % 8).toBe(0);
    expect(rebuilt.readInt32BE(0)).toBeLessThan(60);
  });

  it('checkpoints a leader epoch when it is assigned, so it survives a crash once written in', async () => {
    const log = await ctx.open();
    await log.append(batch(3), { origin: 'leader', leaderEpoch: 1 });
    await log.assignLeaderEpoch(4);
    expect(await readFile(join(ctx.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n1 0\n4 3\n');
    // The first write in epoch 4 adds no epoch, so it writes no checkpoint: the assignment's is the one.
    await log.append(batch(2), { origin: 'leader', leaderEpoch: 4 });
    // Flushed: the reopen below trusts the segment and does not rescan its batches for epochs.
    await log.flush();
    const crashed = await ctx.open();
    expect([crashed.logEndOffset, crashed.latestEpoch]).toEqual([5, 4]);
    expect(crashed.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 3 });
    expect(crashed.endOffsetForEpoch(3)).toEqual({ epoch: 1, startOffset: 3 });
    expect(crashed.endOffsetForEpoch(4)).toEqual({ epoch: 4, startOffset: 5 });
  });

  it('drops an assigned leader epoch that nothing was written in when it reopens, as Kafka does', async () => {
    let log = await ctx.open();
    await log.append(batch(3), { origin: 'leader', leaderEpoch: 1 });
    await log.assignLeaderEpoch(4);
    log = await ctx.open();
    expect([log.logEndOffset, log.latestEpoch]).toEqual([3, 1]);
    await log.assignLeaderEpoch(5);
    await log.close();
    log = await ctx.open();
    expect([log.logEndOffset, log.latestEpoch]).toEqual([3, 1]);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 3 });
  });

  it('with flush.messages=1 an append resolves only once it is on disk', async () => {
    const log = await ctx.open({ flushMessages: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, () => log.append(batch(1), { origin: 'leader' })));
    expect(results.map((r) => r.baseOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(log.recoveryPoint).toBe(10);
  });
});

describe('PartitionLog truncation and deletion', () => {
  it('truncates to an offset, forgetting later epochs, then continues from there', async () => {
    const log = await ctx.open({ segmentBytes: 2048 });
    for (let i = 0; i < 20; i++) await log.append(batch(2, { valueBytes: 100 }), { origin: 'leader', leaderEpoch: i < 15 ? 4 : 5 });
    await log.truncateTo(21);
    expect(log.logEndOffset).toBe(20);
    expect(log.latestEpoch).toBe(4);
    expect((await readAll(log)).map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((await log.append(batch(1), { origin: 'leader', leaderEpoch: 6 })).baseOffset).toBe(20);
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: 4, startOffset: 20 });
  });

  it('truncates fully and restarts at a new offset', async () => {
    const log = await ctx.open();
    await log.append(batch(5), { origin: 'leader' });
    await log.truncateFullyAndStartAt(100);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([100, 100]);
    expect((await log.append(batch(1), { origin: 'leader' })).baseOffset).toBe(100);
  });

  it('raises the log start offset and deletes whole segments below it', async () => {
    const log = await ctx.open({ segmentBytes: 2048 });
    for (let i = 0; i < 20; i++) await log.append(batch(2, { valueBytes: 100 }), { origin: 'leader' });
    const segmentsBefore = log.segments.length;
    expect(await log.deleteRecordsBefore(25)).toBe(25);
    expect(log.segments.length).toBeLessThan(segmentsBefore);
    expect((await readAll(log))[0]?.offset).toBe(25);
    expect(await codeOf(log.deleteRecordsBefore(41))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });
});

describe('PartitionLog retention on a schedule', () => {
  it('deletes expired segments when the retention check fires, keeping a usable active segment', async () => {
    const log = await ctx.open({ segmentBytes: 2048, retentionMs: 60_000, retentionCheckIntervalMs: 1_000 });
    const base = ctx.clock.nowMs();
    for (let i = 0; i < 20; i++) await log.append(batch(2, { valueBytes: 100, timestamp: base + i }), { origin: 'leader' });
    const maintenance = startMaintenance(log, ctx.clock, silentLogger);
    ctx.clock.advance(1_000);
    await maintenance.stop();
    expect(log.logStartOffset).toBe(0);

    ctx.clock.advance(60_000);
    const again = startMaintenance(log, ctx.clock, silentLogger);
    ctx.clock.advance(1_000);
    await again.stop();
    expect(log.logStartOffset).toBe(40);
    expect(log.logEndOffset).toBe(40);
    expect((await log.append(batch(1), { origin: 'leader' })).baseOffset).toBe(40);
  });

  it('keeps the log within retention.bytes', async () => {
    const log = await ctx.open({ segmentBytes: 2048, retentionBytes: 4096 });
    for (let i = 0; i < 40; i++) await log.append(batch(2, { valueBytes: 100 }), { origin: 'leader' });
    await applyRetention(log, ctx.clock.nowMs(), log.logEndOffset);
    expect(log.sizeInBytes).toBeGreaterThanOrEqual(4096);
    expect(log.sizeInBytes - (log.segments[0]?.size ?? 0)).toBeLessThan(4096);
    expect((await readAll(log))[0]?.offset).toBe(log.logStartOffset);
  });
});

describe('PartitionLog reads into caller memory and reads that carry on', () => {
  it('returns the same batches when reading into a reusable scratch buffer', async () => {
    const log = await ctx.open({ indexIntervalBytes: 256 });
    for (let i = 0; i < 10; i++) await log.append(batch(3, { valueBytes: 50 }), { origin: 'leader' });
    const scratch = Buffer.alloc(64 * 1024);
    for (const offset of [0, 7, 29]) {
      const plain = await log.read(offset, { maxBytes: 4096 });
      const aliased = await log.read(offset, { maxBytes: 4096, buffer: scratch });
      expect(aliased.bytes.equals(plain.bytes)).toBe(true);
      expect(aliased.bytes.buffer).toBe(scratch.buffer);
    }
  });

  it('reading on from where each read ended returns the same batches as reads from the index', async () => {
    const log = await ctx.open({ segmentBytes: 16 * 1024, indexIntervalBytes: 512 });
    for (let i = 0; i < 80; i++) await log.append(batch(1 + (i % 4), { valueBytes: 40 + (i % 7) * 30 }), { origin: 'leader' });
    const streamed: Buffer[] = [];
    for (let offset = 0; offset < log.logEndOffset; ) {
      const read = await log.read(offset, { maxBytes: 700 });
      streamed.push(read.bytes);
      offset = read.nextOffset;
    }
    const whole: Buffer[] = [];
    for (const segment of log.segments) whole.push((await log.read(segment.baseOffset, { maxBytes: 1 << 20 })).bytes);
    expect(streamed.length).toBeGreaterThan(log.segments.length * 4);
    expect(Buffer.concat(streamed).equals(Buffer.concat(whole))).toBe(true);
    expect(recordsOf(Buffer.concat(streamed)).map((r) => r.offset)).toEqual(Array.from({ length: log.logEndOffset }, (_, i) => i));
  });

  it('after truncation and new appends, a read from where an earlier read ended finds the new batches', async () => {
    const log = await ctx.open({ indexIntervalBytes: 256 });
    for (let i = 0; i < 10; i++) await log.append(batch(2, { valueBytes: 50 }), { origin: 'leader' });
    const ended = (await log.read(0, { maxBytes: 600 })).nextOffset;
    await log.truncateTo(ended - 3);
    await log.append(batch(1, { valueBytes: 500 }), { origin: 'leader' });
    await log.append(batch(4, { valueBytes: 5 }), { origin: 'leader' });
    const read = await log.read(ended, { maxBytes: 1 << 20 });
    expect(recordsOf(read.bytes, ended).map((r) => r.offset)).toEqual(Array.from({ length: log.logEndOffset - ended }, (_, i) => ended + i));
  });
});

describe('PartitionLog compaction on a schedule', () => {
  it('compacts a compacted topic when the retention check fires and enough of it is dirty', async () => {
    const log = await ctx.open({ cleanupPolicy: 'compact', segmentBytes: 1024, retentionCheckIntervalMs: 1_000 });
    for (let i = 0; i < 30; i++) await log.append(keyedBatch([[`k${i % 3}`, `v${i}`]]), { origin: 'leader' });
    const maintenance = startMaintenance(log, ctx.clock, silentLogger);
    ctx.clock.advance(1_000);
    await maintenance.stop();
    const remaining = await readAll(log);
    const active = log.activeSegment.baseOffset;
    expect(remaining.filter((record) => record.offset < active).length).toBeLessThanOrEqual(3);
    expect(remaining.at(-1)?.offset).toBe(29);
  });
});

describe('PartitionLog group appends', () => {
  it('answers concurrent appends in arrival order with contiguous offsets, failing only the bad one', async () => {
    const log = await ctx.open();
    const sizes = Array.from({ length: 60 }, (_, i) => 1 + (i % 5));
    const corrupt = batch(2);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    const appends = sizes.map((size, i) => (i === 30 ? log.append(corrupt, { origin: 'leader' }) : log.append(batch(size), { origin: 'leader' })));
    const settled = await Promise.allSettled(appends);
    expect(settled[30]?.status).toBe('rejected');
    let expected = 0;
    settled.forEach((outcome, i) => {
      if (i === 30) return;
      expect(outcome.status).toBe('fulfilled');
      const result = (outcome as PromiseFulfilledResult<{ baseOffset: number; lastOffset: number }>).value;
      expect(result.baseOffset).toBe(expected);
      expected = result.lastOffset + 1;
      expect(result.lastOffset - result.baseOffset + 1).toBe(sizes[i]);
    });
    expect(log.logEndOffset).toBe(expected);
    expect((await readAll(log)).map((r) => r.offset)).toEqual(Array.from({ length: expected }, (_, i) => i));
  });
});
