import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CompressionType, TimestampType, buildRecordBatch } from '@samsa/records';
import { describe, expect, it } from 'vitest';
import { cleanableDirtyRatio, compactLog } from '../log-cleaner.js';
import { COMPACT, SEGMENT_0, append, itemAt, latestByKey, logFiles, producerBatch, storedBatches, useCleanerContext } from './cleaner-context.js';
import { keyedBatch, marker, readAll, recordsOf } from './log-context.js';

const t = useCleanerContext();

describe('compactLog keeps the latest record per key', () => {
  it('removes superseded records, keeps offsets and never touches the active segment', async () => {
    const log = await t.open();
    await append(log, keyedBatch([['a', 'a1'], ['b', 'b1'], ['c', 'c1']]));
    await append(log, keyedBatch([['a', 'a2']]));
    await log.roll();
    await append(log, keyedBatch([['b', 'b2'], ['d', 'd1']]));
    await append(log, keyedBatch([['a', 'a3']]));
    await log.roll();
    await append(log, keyedBatch([['c', 'c2']]));
    await append(log, keyedBatch([['a', 'a4']]));
    const activeFile = `${String(log.activeSegment.baseOffset).padStart(20, '0')}.log`;
    const activeBefore = await readFile(join(t.ctx.dir, activeFile));
    const before = await readAll(log);
    expect(cleanableDirtyRatio(log, log.logEndOffset)).toBe(1);

    const result = await t.compact(log);

    expect(result).toMatchObject({ segmentsCleaned: 1, segmentsRemoved: 0, recordsRemoved: 3, cleanerCheckpoint: 7, firstUncleanableOffset: 7 });
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    const after = await readAll(log);
    expect(after).toEqual([
      { offset: 2, key: 'c', value: 'c1' },
      { offset: 4, key: 'b', value: 'b2' },
      { offset: 5, key: 'd', value: 'd1' },
      { offset: 6, key: 'a', value: 'a3' },
      { offset: 7, key: 'c', value: 'c2' },
      { offset: 8, key: 'a', value: 'a4' },
    ]);
    expect(latestByKey(after)).toEqual(latestByKey(before));
    expect(log.logEndOffset).toBe(9);
    expect(log.cleanerCheckpoint).toBe(7);
    expect(await readFile(join(t.ctx.dir, activeFile))).toEqual(activeBefore);
    expect((await readdir(t.ctx.dir)).filter((name) => name.endsWith('.cleaned') || name.endsWith('.swap'))).toEqual([]);
    expect(cleanableDirtyRatio(log, log.logEndOffset)).toBe(0);
    expect((await append(log, keyedBatch([['e', 'e1']]))).baseOffset).toBe(9);
    await log.roll();
    const dirtyRatio = cleanableDirtyRatio(log, log.logEndOffset);
    expect(dirtyRatio).toBeGreaterThan(0);
    expect(dirtyRatio).toBeLessThan(1);
  });

  it('rewrites a partly kept batch with every header field preserved and copies whole batches byte for byte', async () => {
    const log = await t.open({ ...COMPACT, messageTimestampType: 'LogAppendTime' });
    const first = buildRecordBatch(
      [
        { key: 'x', value: 'x1', headers: [{ key: 'h', value: 'v' }], timestamp: 1_700_000_000_000 },
        { key: 'y', value: 'y1', timestamp: 1_700_000_000_005 },
        { key: 'z', value: 'z1', timestamp: 1_700_000_000_009 },
      ],
      { compression: CompressionType.GZIP, producerId: 7, producerEpoch: 2, baseSequence: 0 },
    );
    await append(log, first, 5);
    await append(log, producerBatch([['y', 'y2'], ['z', 'z2']], { id: 7, epoch: 2, sequence: 3 }), 5);
    await log.roll();
    await append(log, keyedBatch([['w', 'w1']]), 5);
    const before = await storedBatches(log);
    const original = itemAt(before, 0);
    const untouchedBytes = Buffer.from(itemAt(before, 1).bytes());

    await t.compact(log);

    const after = await storedBatches(log);
    const rewritten = itemAt(after, 0);
    expect(rewritten.isCrcValid()).toBe(true);
    for (const field of ['baseOffset', 'lastOffsetDelta', 'producerId', 'producerEpoch', 'baseSequence', 'lastSequence', 'partitionLeaderEpoch', 'compression', 'timestampType', 'maxTimestamp', 'isTransactional'] as const) {
      expect(rewritten[field], field).toEqual(original[field]);
    }
    expect([rewritten.lastOffset, rewritten.timestampType, rewritten.compression, rewritten.recordsCount]).toEqual([2, TimestampType.LOG_APPEND_TIME, CompressionType.GZIP, 1]);
    const x = itemAt([...rewritten.records()], 0);
    const originalX = itemAt([...original.records()], 0);
    expect({ ...x, key: x.key?.toString(), value: x.value?.toString() }).toEqual({ ...originalX, key: 'x', value: 'x1' });
    expect(itemAt(after, 1).bytes()).toEqual(untouchedBytes);
  });

  it('drops records without a key', async () => {
    const log = await t.open();
    await append(log, buildRecordBatch([{ key: null, value: 'orphan', timestamp: 1 }, { key: 'k', value: 'v', timestamp: 2 }]));
    await log.roll();
    await append(log, keyedBatch([['z', 'z']]));
    const result = await t.compact(log);
    expect(result.recordsRemoved).toBe(1);
    expect(await readAll(log)).toEqual([
      { offset: 1, key: 'k', value: 'v' },
      { offset: 2, key: 'z', value: 'z' },
    ]);
  });

  it('refuses a log whose cleanup.policy does not include compact', async () => {
    const log = await t.open({ cleanupPolicy: 'delete' });
    await expect(t.compact(log)).rejects.toThrow(/compact/);
  });
});

describe('compactLog bounds', () => {
  it('cleans nothing at or above the high watermark or the first unstable offset', async () => {
    const log = await t.open();
    await append(log, keyedBatch([['a', 'a1']]));
    await log.roll();
    await append(log, producerBatch([['a', 'a2']], { id: 5, epoch: 0, sequence: 0 }, { transactional: true }));
    await log.roll();
    await append(log, keyedBatch([['a', 'a3']]));
    await log.roll();
    await append(log, keyedBatch([['b', 'b1']]));
    const before = await readAll(log);

    // The high watermark at 1: only segment [0, 1) lies below it, and nothing in it is superseded there.
    expect(await t.compact(log, 1)).toMatchObject({ segmentsCleaned: 0, recordsRemoved: 0, cleanerCheckpoint: 1, firstUncleanableOffset: 1 });
    // The open transaction at offset 1 blocks everything from there on.
    expect(await t.compact(log)).toMatchObject({ segmentsCleaned: 0, recordsRemoved: 0, cleanerCheckpoint: 1, firstUncleanableOffset: 1 });
    expect(await readAll(log)).toEqual(before);

    await append(log, marker('commit', { id: 5, epoch: 0 }));
    const result = await t.compact(log);
    expect(result).toMatchObject({ recordsRemoved: 2, cleanerCheckpoint: 3, firstUncleanableOffset: 3 });
    expect((await readAll(log)).map((r) => [r.offset, r.value])).toEqual([
      [2, 'a3'],
      [3, 'b1'],
    ]);
  });

  it('with a full offset map cleans only the mapped prefix, never resurrects a deleted key, and finishes over later runs', async () => {
    const log = await t.open({ ...COMPACT, deleteRetentionMs: 0 });
    await append(log, keyedBatch([['x', 'x1'], ['y', 'y1'], ['x', null]]));
    await log.roll();
    await append(log, keyedBatch([['y', 'y2'], ['z', 'z1']]));
    await log.roll();
    await append(log, keyedBatch([['w', 'w1']]));
    t.ctx.clock.advance(10_000); // every tombstone is past the delete horizon
    const before = latestByKey(await readAll(log));
    const oneKey = 1 + 80; // a one-byte key and the map's per-entry estimate
    const compactWithOneKey = () => compactLog(log, { nowMs: t.ctx.clock.nowMs(), upperBoundOffset: log.logEndOffset, offsetMapBytes: oneKey });

    // The map holds x@0 and is full at y@1: only [0, 1) is mapped. The tombstone x@2 lies past
    // it, so it stays (dropping it would bring x1 back), and the segment above is not touched.
    expect(await compactWithOneKey()).toMatchObject({ segmentsCleaned: 0, recordsRemoved: 0, cleanerCheckpoint: 1 });
    expect((await readAll(log)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5]);

    const checkpoints = [log.cleanerCheckpoint];
    for (let run = 0; run < 10 && log.cleanerCheckpoint < 5; run++) {
      await compactWithOneKey();
      checkpoints.push(log.cleanerCheckpoint);
      // Every key still reads as its latest record, or is gone because that was a tombstone.
      const now = latestByKey(await readAll(log));
      for (const [key, latest] of Object.entries(before)) expect(now[key] ?? [latest[0], null]).toEqual(latest);
    }
    expect(checkpoints).toEqual([1, 2, 3, 4, 5]);
    // The same as one run with room for every key: x's value and tombstone and y1 are gone.
    expect(await readAll(log)).toEqual([
      { offset: 3, key: 'y', value: 'y2' },
      { offset: 4, key: 'z', value: 'z1' },
      { offset: 5, key: 'w', value: 'w1' },
    ]);
  });

  it('keeps an emptied batch as a bare header when it is its producer\u2019s last, so retries stay deduplicated', async () => {
    const log = await t.open();
    await append(log, producerBatch([['k', 'k1']], { id: 9, epoch: 0, sequence: 0 }));
    await append(log, producerBatch([['m', 'm1']], { id: 9, epoch: 0, sequence: 1 }));
    await append(log, keyedBatch([['k', 'k2'], ['m', 'm2']]));
    await log.roll();
    await append(log, keyedBatch([['z', 'z']]));

    expect(await t.compact(log)).toMatchObject({ recordsRemoved: 2 });
    const batches = await storedBatches(log);
    expect(batches.map((b) => [b.baseOffset, b.lastOffset, b.recordsCount, b.producerId, b.baseSequence])).toEqual([
      [1, 1, 0, 9, 1],
      [2, 3, 2, -1, -1],
      [4, 4, 1, -1, -1],
    ]);

    // Rebuild producer state from the log alone (no snapshots): the header still carries sequence 1.
    for (const name of await readdir(t.ctx.dir)) if (name.endsWith('.snapshot')) await rm(join(t.ctx.dir, name));
    const reopened = await t.open();
    const retry = await append(reopened, producerBatch([['m', 'm1']], { id: 9, epoch: 0, sequence: 1 }));
    expect(retry).toMatchObject({ duplicate: true, baseOffset: 1 });
  });
});

describe('compactLog tombstones and transactions', () => {
  it('keeps a tombstone until delete.retention.ms has passed, then removes it', async () => {
    const config = { ...COMPACT, deleteRetentionMs: 60_000 };
    const log = await t.open(config);
    await append(log, keyedBatch([['k1', 'v1'], ['k2', 'v1']]));
    await log.roll();
    await append(log, keyedBatch([['k1', null]]));
    await log.roll();
    await append(log, keyedBatch([['k3', 'v1']]));

    expect(await t.compact(log)).toMatchObject({ recordsRemoved: 1, segmentsCleaned: 1 });
    expect(await readAll(log)).toEqual([
      { offset: 1, key: 'k2', value: 'v1' },
      { offset: 2, key: 'k1', value: null },
      { offset: 3, key: 'k3', value: 'v1' },
    ]);

    t.ctx.clock.advance(59_000);
    expect(await t.compact(log)).toMatchObject({ recordsRemoved: 0, segmentsCleaned: 0, segmentsRemoved: 0 });
    expect((await readAll(log)).map((r) => r.offset)).toEqual([1, 2, 3]);

    t.ctx.clock.advance(2_000);
    expect(await t.compact(log)).toMatchObject({ recordsRemoved: 1, segmentsRemoved: 1 });
    expect(await readAll(log)).toEqual([
      { offset: 1, key: 'k2', value: 'v1' },
      { offset: 3, key: 'k3', value: 'v1' },
    ]);
    expect(await logFiles(t.ctx.dir)).toEqual([`${SEGMENT_0}.log`, '00000000000000000003.log']);
  });

  it('removes aborted transactional records, which never supersede anything, and keeps committed ones and the markers', async () => {
    const log = await t.open();
    const producer = { id: 100, epoch: 0 };
    await append(log, keyedBatch([['t1', 'base'], ['t2', 'base']]));
    await append(log, producerBatch([['t1', 'aborted'], ['t2', 'aborted']], { ...producer, sequence: 0 }, { transactional: true }));
    await append(log, marker('abort', producer));
    await append(log, producerBatch([['t3', 'committed']], { ...producer, sequence: 2 }, { transactional: true }));
    await append(log, marker('commit', producer));
    await log.roll();
    await append(log, keyedBatch([['z', 'z']]));
    const abortedBefore = log.abortedTransactions(0, log.logEndOffset);
    expect(abortedBefore).toHaveLength(1);

    expect(await t.compact(log)).toMatchObject({ recordsRemoved: 2, segmentsCleaned: 1 });
    expect(await readAll(log)).toEqual([
      { offset: 0, key: 't1', value: 'base' },
      { offset: 1, key: 't2', value: 'base' },
      { offset: 5, key: 't3', value: 'committed' },
      { offset: 7, key: 'z', value: 'z' },
    ]);
    expect((await storedBatches(log)).filter((b) => b.isControl).map((b) => b.baseOffset)).toEqual([4, 6]);
    expect(log.abortedTransactions(0, log.logEndOffset)).toEqual(abortedBefore);
  });

  it('removes a transaction marker past delete.retention.ms once no record of its transaction is left, with its aborted-transaction entry', async () => {
    const config = { ...COMPACT, deleteRetentionMs: 60_000 };
    const log = await t.open(config);
    const producer = { id: 100, epoch: 0 };
    await append(log, producerBatch([['a', 'aborted']], { ...producer, sequence: 0 }, { transactional: true })); // 0
    await append(log, marker('abort', producer)); // 1
    await append(log, producerBatch([['b', 'old']], { ...producer, sequence: 1 }, { transactional: true })); // 2
    await append(log, marker('commit', producer)); // 3
    await append(log, keyedBatch([['b', 'new']])); // 4: supersedes 2
    await append(log, producerBatch([['c', 'kept']], { ...producer, sequence: 2 }, { transactional: true })); // 5
    await append(log, marker('commit', producer)); // 6
    await log.roll();
    await append(log, keyedBatch([['z', 'z']])); // 7
    const markerOffsets = async () => (await storedBatches(log)).filter((b) => b.isControl).map((b) => b.baseOffset);
    const expected = [
      { offset: 4, key: 'b', value: 'new' },
      { offset: 5, key: 'c', value: 'kept' },
      { offset: 7, key: 'z', value: 'z' },
    ];

    // Within the horizon every marker stays, though the records of two transactions go.
    expect(await t.compact(log)).toMatchObject({ recordsRemoved: 2, segmentsCleaned: 1 });
    expect(await readAll(log)).toEqual(expected);
    expect(await markerOffsets()).toEqual([1, 3, 6]);
    expect(log.abortedTransactions(0, log.logEndOffset)).toMatchObject([{ producerId: 100, firstOffset: 0, lastOffset: 1 }]);

    // Past it, the markers of the emptied transactions go; the one whose record is kept stays.
    t.ctx.clock.advance(61_000);
    expect(await t.compact(log)).toMatchObject({ recordsRemoved: 0, segmentsCleaned: 1 });
    expect(await readAll(log)).toEqual(expected);
    expect(await markerOffsets()).toEqual([6]);
    expect(log.abortedTransactions(0, log.logEndOffset)).toEqual([]);

    // A rebuild from the segments (no snapshot, no indexes) finds no transaction left open.
    const reopened = await t.rebuiltFromSegments(log, config);
    expect(reopened.firstUnstableOffset()).toBeUndefined();
    expect(await readAll(reopened)).toEqual(expected);
    expect(await t.compact(reopened)).toMatchObject({ recordsRemoved: 0, segmentsCleaned: 0, segmentsRemoved: 0 });
  });

  it('keeps a marker when the run skipped an earlier segment that may hold its transaction', async () => {
    const config = { ...COMPACT, deleteRetentionMs: 60_000 };
    const log = await t.open(config);
    const producer = { id: 100, epoch: 0 };
    await append(log, producerBatch([['a', 'committed']], { ...producer, sequence: 0 }, { transactional: true })); // 0
    await log.roll();
    await append(log, marker('commit', producer)); // 1
    await append(log, keyedBatch([['m', 'later']], 1_700_000_120_000)); // 2: its segment reaches the horizon later
    await log.roll();
    await append(log, keyedBatch([['z', 'z']])); // 3

    t.ctx.clock.advance(61_000); // the first segment is past the horizon, the second not yet
    await t.compact(log);
    t.ctx.clock.advance(140_000); // now both are; no new data, so the unchanged first segment is not read again
    expect(await t.compact(log)).toMatchObject({ recordsRemoved: 0, segmentsCleaned: 0, segmentsRemoved: 0 });
    expect((await storedBatches(log)).filter((b) => b.isControl).map((b) => b.baseOffset)).toEqual([1]);
    expect((await t.rebuiltFromSegments(log, config)).firstUnstableOffset()).toBeUndefined();
  });
});

describe('reading a compacted log', () => {
  async function compactedLog() {
    const log = await t.open();
    await append(log, keyedBatch([['a', 'a1'], ['b', 'b1']])); // 0-1
    await log.roll();
    await append(log, keyedBatch([['a', 'a2']])); // 2: superseded, its segment empties
    await log.roll();
    await append(log, keyedBatch([['a', 'a3'], ['c', 'c1']])); // 3-4
    await append(log, keyedBatch([['b', 'b2']])); // 5
    await log.roll();
    await append(log, keyedBatch([['d', 'd1']])); // 6
    const before = await readAll(log);
    expect(await t.compact(log)).toMatchObject({ segmentsCleaned: 1, segmentsRemoved: 1, recordsRemoved: 3 });
    return { log, before };
  }

  const expected = [
    { offset: 3, key: 'a', value: 'a3' },
    { offset: 4, key: 'c', value: 'c1' },
    { offset: 5, key: 'b', value: 'b2' },
    { offset: 6, key: 'd', value: 'd1' },
  ];

  it('returns the next retained batch from any offset, removed ones included', async () => {
    const { log } = await compactedLog();
    // The first segment stays (empty) so the log start offset holds; the emptied one in the middle is gone.
    expect(await logFiles(t.ctx.dir)).toEqual([`${SEGMENT_0}.log`, '00000000000000000003.log', '00000000000000000006.log']);
    expect(log.logStartOffset).toBe(0);
    expect(await readAll(log)).toEqual(expected);
    for (let offset = 0; offset < log.logEndOffset; offset++) {
      const read = await log.read(offset, { maxBytes: 1 });
      expect(recordsOf(read.bytes, offset)[0], `fetch at ${offset}`).toEqual(expected.find((r) => r.offset >= offset));
    }
  });

  it('reads the same after a clean close and reopen', async () => {
    const { log } = await compactedLog();
    await log.close();
    const reopened = await t.open();
    expect(reopened.logStartOffset).toBe(0);
    expect(reopened.cleanerCheckpoint).toBe(6);
    expect(await readAll(reopened)).toEqual(expected);
    expect((await append(reopened, keyedBatch([['e', 'e1']]))).baseOffset).toBe(7);
  });

  it('reads the same after a crash, with every index rebuilt from the gapped segments', async () => {
    await compactedLog();
    for (const name of await readdir(t.ctx.dir)) if (name.endsWith('.index') || name.endsWith('.timeindex')) await rm(join(t.ctx.dir, name));
    const reopened = await t.open();
    expect(await readAll(reopened)).toEqual(expected);
    expect(reopened.logEndOffset).toBe(7);
    for (const offset of [0, 2, 4]) expect(recordsOf((await reopened.read(offset, { maxBytes: 1 })).bytes, offset)[0]?.offset).toBe(expected.find((r) => r.offset >= offset)?.offset);
    expect(await t.compact(reopened)).toMatchObject({ segmentsCleaned: 0, segmentsRemoved: 0, recordsRemoved: 0 });
  });

  it('lets appends go on while compacting', async () => {
    const log = await t.open({ ...COMPACT, segmentBytes: 1024 });
    for (let i = 0; i < 40; i++) await append(log, keyedBatch([[`k${i % 5}`, `v${i}`]]));
    const appends = Array.from({ length: 20 }, (_, i) => append(log, keyedBatch([[`k${i % 5}`, `late${i}`]])));
    const [result, ...appended] = await Promise.all([t.compact(log), ...appends]);
    expect(appended.map((a) => a.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    expect(result.recordsRemoved).toBeGreaterThan(0);
    const after = await readAll(log);
    expect(after.filter((r) => r.offset >= 40).map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => `late${i}`));
    const latestValues = Object.fromEntries(Object.entries(latestByKey(after)).map(([key, [, value]]) => [key, value]));
    expect(latestValues).toEqual({ k0: 'late15', k1: 'late16', k2: 'late17', k3: 'late18', k4: 'late19' });
  });
});

