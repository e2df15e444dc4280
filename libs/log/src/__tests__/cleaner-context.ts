/** Shared setup of the compaction tests: a log context per test, compaction helpers, scratch dirs. */
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRecordBatch, iterateBatches, type CompressionType, type RecordBatchView, type RecordInput } from '@samsa/records';
import { afterEach, beforeEach } from 'vitest';
import { compactLog } from '../log-cleaner.js';
import type { LogConfig } from '../log-config.js';
import { PartitionLog } from '../partition-log.js';
import { logContext, type readAll, type LogContext } from './log-context.js';

export const COMPACT: Partial<LogConfig> = { cleanupPolicy: 'compact', flushMs: Number.MAX_SAFE_INTEGER };
export const SEGMENT_0 = '00000000000000000000';

/** Registers per-test setup and teardown; the returned helpers use the current test's context. */
export function useCleanerContext() {
  let ctx!: LogContext;
  let scratchDirs: string[] = [];
  let openLogs: PartitionLog[] = [];
  beforeEach(async () => {
    ctx = await logContext();
    scratchDirs = [];
    openLogs = [];
  });
  afterEach(async () => {
    // Logs a test left "crashed" are closed only now, so that no file handle outlives its test.
    for (const log of openLogs.reverse()) await log.close().catch(() => undefined);
    await ctx.cleanup();
    for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
  });
  return {
    get ctx(): LogContext {
      return ctx;
    },
    async open(config: Partial<LogConfig> = COMPACT): Promise<PartitionLog> {
      const log = await ctx.open(config);
      openLogs.push(log);
      return log;
    },
    compact(log: PartitionLog, upperBoundOffset = log.logEndOffset) {
      return compactLog(log, { nowMs: ctx.clock.nowMs(), upperBoundOffset });
    },
    async scratchDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'samsa-cleaner-'));
      scratchDirs.push(dir);
      return dir;
    },
    /** Closes `log`, deletes everything but its segment files (indexes, snapshots, checkpoints) and reopens it: a rebuild from the segments alone. */
    async rebuiltFromSegments(log: PartitionLog, config: Partial<LogConfig> = COMPACT): Promise<PartitionLog> {
      await log.close();
      for (const name of await readdir(ctx.dir)) if (!name.endsWith('.log')) await rm(join(ctx.dir, name));
      return this.open(config);
    },
    async openAt(dir: string): Promise<PartitionLog> {
      const log = await PartitionLog.open({ dir, clock: ctx.clock, config: COMPACT });
      openLogs.push(log);
      return log;
    },
  };
}

export type LogRecords = Awaited<ReturnType<typeof readAll>>;

export function append(log: PartitionLog, bytes: Buffer, leaderEpoch = 0) {
  return log.append(bytes, { origin: 'leader', leaderEpoch });
}

/** key → [offset, value] of its last record: what a consumer of a compacted topic ends up with. */
export function latestByKey(records: LogRecords): Record<string, [number, string | null]> {
  const latest: Record<string, [number, string | null]> = {};
  for (const record of records) if (record.key !== null) latest[record.key] = [record.offset, record.value];
  return latest;
}

export function producerBatch(entries: Array<[string | null, string | null]>, producer: { id: number; epoch: number; sequence: number }, options: { transactional?: boolean; compression?: CompressionType } = {}): Buffer {
  const records: RecordInput[] = entries.map(([key, value], i) => ({ key, value, timestamp: 1_700_000_000_000 + i }));
  return buildRecordBatch(records, {
    producerId: producer.id,
    producerEpoch: producer.epoch,
    baseSequence: producer.sequence,
    isTransactional: options.transactional ?? false,
    compression: options.compression,
  });
}

/** Every stored batch (markers and empty headers included), in offset order. */
export async function storedBatches(log: PartitionLog): Promise<RecordBatchView[]> {
  const batches: RecordBatchView[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = await log.read(offset, { maxBytes: 1 << 20 });
    if (read.bytes.length === 0) break;
    batches.push(...iterateBatches(read.bytes));
    offset = read.nextOffset;
  }
  return batches;
}

/** items[index], failing the test when there is no such item. */
export function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`expected an item at ${index} of ${items.length}`);
  return item;
}

export async function logFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
}

export async function copyDir(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) await copyFile(join(from, name), join(to, name));
}
