/**
 * Log compaction (`cleanup.policy=compact`): keeps the latest record per key, removing older
 * ones, aborted transactional data and — after delete.retention.ms — tombstones and the
 * transaction markers whose transactions have no record left. Offsets never
 * change; a compacted segment simply has gaps (spec §1.3, §5.1). What is kept per record and
 * batch is decided in log-cleaner-rules.ts; this module plans a run and replaces segments.
 *
 * One run:
 *   1. Plan (under the writer lock): the first uncleanable offset is
 *      min(active segment base, first unstable offset, upperBoundOffset = high watermark); the
 *      cleanable segments are the non-active ones lying wholly below it, so the cleaned range
 *      ends at a segment boundary `cleanEnd`. The dirty range is [cleanerCheckpoint, cleanEnd).
 *   2. Offset map: key → latest offset over the dirty range (aborted data, markers and keyless
 *      records never enter). Appends go on meanwhile; nothing above cleanEnd is read. The map's
 *      memory is bounded (`offsetMapBytes`, Kafka's log.cleaner.dedupe.buffer.size): when full
 *      it ends early at `mappedEnd`; segments from there on wait for the next run, and records
 *      at or above mappedEnd are kept (log-cleaner-rules.ts). Otherwise mappedEnd = cleanEnd.
 *   3. Per cleanable segment below mappedEnd, oldest first: stream its batches through the
 *      rules; if nothing changes the segment is left alone, else the copy is written to
 *      `<base>.log.cleaned` and fsynced. Then, under the writer lock: rename it to
 *      `<base>.log.swap` and fsync the directory (from here a crash completes the swap,
 *      log-loader.ts), delete the old segment's files, rename the swap to `<base>.log`, fsync
 *      the directory, reopen the segment (rebuilding its indexes), restore its
 *      aborted-transaction entries and put it in place. A segment left empty is deleted
 *      instead — except the log's first segment, which stays as an empty file so the log start
 *      offset still holds after a reopen.
 *   4. Advance the cleaner checkpoint to min(cleanEnd, mappedEnd) and persist it (under the
 *      writer lock).
 * A crash at any point leaves every segment either as it was or fully compacted, and each
 * compacted segment only lacks records that a later offset supersedes, so every key's latest
 * value and every offset are the same in all of these states; rerunning is harmless.
 *
 * Guards (checked under the writer lock before each swap): if the segment was deleted meanwhile
 * (retention), its copy is discarded; if the first segment above the cleaned range is gone, the
 * log was truncated into that range and the run stops without advancing the checkpoint, since
 * the offset map may name records that no longer exist.
 *
 * Concurrency: appends and reads run during a run; only one run per log at a time. A read that
 * reaches the segment being swapped between the old file's close and the new one's installation
 * fails (no wrong data) and may be retried.
 */
import { rename, rm } from 'node:fs/promises';
import { silentLogger, type Logger } from '@samsa/common';
import type { RecordBatchView } from '@samsa/records';
import { syncDirectory } from './checkpoint-file.js';
import { CleanedSegmentWriter, readSegmentBatches } from './log-cleaner-io.js';
import { AbortedTransactions, OffsetMap, TransactionMarkers, addToOffsetMap, decideBatch, type CleaningRules } from './log-cleaner-rules.js';
import { segmentOptions } from './log-config.js';
import { LogSegment } from './log-segment.js';
import type { PartitionLog } from './partition-log.js';
import { CLEANED_SUFFIX, SWAP_SUFFIX, segmentPaths } from './segment-files.js';

export interface CompactionOptions {
  /** The current time (the injected clock's): a segment whose largest timestamp is older than nowMs − delete.retention.ms loses its tombstones. */
  nowMs: number;
  /** Exclusive bound: no offset at or above it is cleaned (the high watermark). */
  upperBoundOffset: number;
  /** Memory bound of the offset map (log.cleaner.dedupe.buffer.size); default 128 MiB. */
  offsetMapBytes?: number;
  logger?: Logger;
}

/** Kafka's log.cleaner.dedupe.buffer.size default. */
export const DEFAULT_OFFSET_MAP_BYTES = 128 * 1024 * 1024;

export interface CompactionResult {
  /** Segments replaced by a compacted copy. */
  segmentsCleaned: number;
  /** Segments deleted because nothing in them survived. */
  segmentsRemoved: number;
  /** Data records removed: superseded, tombstones past the horizon, aborted, keyless. */
  recordsRemoved: number;
  /** Bytes of the cleanable segments before this run. */
  bytesBefore: number;
  /** Bytes of the same segments after it. */
  bytesAfter: number;
  /** The cleaner checkpoint after this run: every offset below it has been cleaned. */
  cleanerCheckpoint: number;
  /** min(active segment base, first unstable offset, upperBoundOffset): nothing at or above was touched. */
  firstUncleanableOffset: number;
}

interface CompactionPlan {
  /** The cleanable segments, oldest first, with their sizes when planned. */
  segments: LogSegment[];
  sizes: number[];
  /** The first segment not cleaned; while it is in the log, no truncation reached the cleaned range. */
  boundary: LogSegment;
  /** End of the cleaned range (boundary's base offset). */
  cleanEnd: number;
  /** Start of the dirty range. */
  dirtyStart: number;
  firstUncleanableOffset: number;
}

interface CleanedCopy {
  path: string;
  size: number;
  recordsRemoved: number;
  /** Offsets of the transaction markers left out: their aborted-transaction entries go with them. */
  droppedMarkers: Set<number>;
}

const running = new WeakSet<PartitionLog>();
/**
 * Segments already cleaned with their tombstones past the horizon and nothing left to drop: with
 * no new dirty data they cannot change, so later runs skip them instead of re-reading them.
 * In memory only (after a restart each such segment is read once more).
 */
const settled = new WeakSet<LogSegment>();

/**
 * Dirty bytes / cleanable bytes (spec §12 min.cleanable.dirty.ratio): how much of the cleanable
 * part of the log has not been cleaned yet, by whole segments. 0 when nothing is cleanable.
 * A scheduler compacts when this reaches the topic's ratio (or tombstones are due).
 */
export function cleanableDirtyRatio(log: PartitionLog, upperBoundOffset: number): number {
  const plan = planCompaction(log, upperBoundOffset);
  let total = 0;
  let dirty = 0;
  for (const [i, segment] of plan.segments.entries()) {
    total += segment.size;
    if ((plan.segments[i + 1]?.baseOffset ?? plan.cleanEnd) > plan.dirtyStart) dirty += segment.size;
  }
  return total === 0 ? 0 : dirty / total;
}

/** Compacts the log once (see the module header). */
export async function compactLog(log: PartitionLog, options: CompactionOptions): Promise<CompactionResult> {
  // Rebuilding indexes of a segment with offset gaps needs the compact segment options.
  if (!log.config.cleanupPolicy.includes('compact')) throw new Error(`log ${log.dir} has cleanup.policy=${log.config.cleanupPolicy}; compaction needs compact`);
  if (running.has(log)) throw new Error(`a compaction of ${log.dir} is already running`);
  running.add(log);
  try {
    return await runCompaction(log, options, (options.logger ?? silentLogger).child({ component: 'LogCleaner', dir: log.dir }));
  } finally {
    running.delete(log);
  }
}

async function runCompaction(log: PartitionLog, options: CompactionOptions, logger: Logger): Promise<CompactionResult> {
  const plan = await log.exclusive(async () => planCompaction(log, options.upperBoundOffset));
  const result: CompactionResult = {
    segmentsCleaned: 0,
    segmentsRemoved: 0,
    recordsRemoved: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    cleanerCheckpoint: log.cleanerCheckpoint,
    firstUncleanableOffset: plan.firstUncleanableOffset,
  };
  const first = plan.segments[0];
  if (!first) return result;

  const aborted = new AbortedTransactions(log.abortedTransactions(first.baseOffset, plan.cleanEnd));
  const offsetMap = await buildOffsetMap(plan, aborted, options.offsetMapBytes ?? DEFAULT_OFFSET_MAP_BYTES);
  const mappedEnd = Math.min(plan.cleanEnd, offsetMap.end);
  if (mappedEnd < plan.cleanEnd) logger.info({ mappedEnd, cleanEnd: plan.cleanEnd, keys: offsetMap.size }, 'offset map full (log.cleaner.dedupe.buffer.size): cleaning up to mappedEnd now, the rest in the next run');
  const horizonMs = options.nowMs - log.config.deleteRetentionMs;
  const markers = new TransactionMarkers();
  for (const [i, segment] of plan.segments.entries()) {
    if (segment.baseOffset >= mappedEnd) break;
    const size = plan.sizes[i] as number;
    const segmentEnd = plan.segments[i + 1]?.baseOffset ?? plan.cleanEnd;
    const rules: CleaningRules = {
      offsetMap,
      aborted,
      markers,
      dropTombstones: segment.largestTimestamp(await segment.lastModifiedMs()) < horizonMs,
      keepEmptyHeader: (view: RecordBatchView) => view.producerId >= 0 && log.producerState(view.producerId)?.batches.at(-1)?.lastOffset === view.lastOffset,
    };
    // A segment cleaned before can only change through newer keys or expiring tombstones.
    const unchangeable = segmentEnd <= plan.dirtyStart && offsetMap.size === 0 && (!rules.dropTombstones || settled.has(segment));
    if (unchangeable) markers.skipped();
    const copy = unchangeable ? undefined : await writeCleanedCopy(segment, size, rules);
    if (!copy) {
      if (rules.dropTombstones) settled.add(segment);
      result.bytesBefore += size;
      result.bytesAfter += size;
      continue;
    }
    const outcome = await installCopy(log, plan, segment, size, copy, rules.dropTombstones);
    if (outcome === 'aborted') {
      logger.warn({ cleanEnd: plan.cleanEnd }, 'the log was truncated into the range being compacted; stopping this run');
      return result;
    }
    if (outcome === 'skipped') continue;
    result.bytesBefore += size;
    result.bytesAfter += outcome === 'removed' ? 0 : copy.size;
    result.recordsRemoved += copy.recordsRemoved;
    if (outcome === 'removed') result.segmentsRemoved++;
    else result.segmentsCleaned++;
  }

  await log.exclusive(async () => {
    if (!log.segments.includes(plan.boundary) || log.cleanerCheckpoint >= mappedEnd) return;
    log.cleanerCheckpoint = mappedEnd;
    await log.writeCheckpoint();
  });
  result.cleanerCheckpoint = log.cleanerCheckpoint;
  if (result.segmentsCleaned + result.segmentsRemoved > 0) logger.info({ ...result }, 'compacted');
  else logger.debug({ ...result }, 'nothing to compact');
  return result;
}

/** Step 1; runs under the writer lock so segments, producer state and the active segment agree. */
function planCompaction(log: PartitionLog, upperBoundOffset: number): CompactionPlan {
  const segments = log.segments;
  const firstUncleanableOffset = Math.min(log.activeSegment.baseOffset, log.firstUnstableOffset() ?? Number.MAX_SAFE_INTEGER, upperBoundOffset);
  let count = 0;
  while (count < segments.length - 1 && (segments[count + 1] as LogSegment).baseOffset <= firstUncleanableOffset) count++;
  const cleanable = segments.slice(0, count);
  const boundary = segments[count] as LogSegment;
  return {
    segments: cleanable,
    sizes: cleanable.map((segment) => segment.size),
    boundary,
    cleanEnd: boundary.baseOffset,
    dirtyStart: Math.max(log.cleanerCheckpoint, (segments[0] as LogSegment).baseOffset),
    firstUncleanableOffset,
  };
}

/** Step 2: key → latest offset over [dirtyStart, cleanEnd), or a prefix of it when the map fills up. */
async function buildOffsetMap(plan: CompactionPlan, aborted: AbortedTransactions, maxBytes: number): Promise<OffsetMap> {
  const map = new OffsetMap(maxBytes);
  for (const [i, segment] of plan.segments.entries()) {
    if ((plan.segments[i + 1]?.baseOffset ?? plan.cleanEnd) <= plan.dirtyStart) continue;
    for await (const { view } of readSegmentBatches(segmentPaths(segment.dir, segment.baseOffset).log, plan.sizes[i] as number)) {
      if (!addToOffsetMap(map, view, aborted, plan.dirtyStart, plan.cleanEnd)) return map;
    }
  }
  return map;
}

/**
 * Step 3a: writes and fsyncs `<base>.log.cleaned` when the rules change anything; undefined when
 * every batch is kept as it is (nothing written). Batches kept whole are copied byte-for-byte.
 */
async function writeCleanedCopy(segment: LogSegment, size: number, rules: CleaningRules): Promise<CleanedCopy | undefined> {
  const logPath = segmentPaths(segment.dir, segment.baseOffset).log;
  const cleanedPath = logPath + CLEANED_SUFFIX;
  let writer: CleanedSegmentWriter | undefined;
  let unchangedUntil = 0;
  let recordsRemoved = 0;
  const droppedMarkers = new Set<number>();
  try {
    for await (const { view, position } of readSegmentBatches(logPath, size)) {
      const decision = decideBatch(view, rules);
      if (decision.kind === 'keep') {
        if (writer) await writer.write(view.bytes());
        else unchangedUntil = position + view.sizeInBytes;
        continue;
      }
      recordsRemoved += decision.recordsRemoved;
      if (view.isControl) droppedMarkers.add(view.baseOffset);
      if (!writer) {
        writer = await CleanedSegmentWriter.create(cleanedPath);
        await writer.copyRange(logPath, 0, unchangedUntil);
      }
      if (decision.kind === 'rewrite') await writer.write(decision.bytes);
    }
    if (!writer) return undefined;
    await writer.finish();
    return { path: cleanedPath, size: writer.size, recordsRemoved, droppedMarkers };
  } catch (error) {
    await writer?.discard();
    throw error;
  }
}

/** Step 3b, under the writer lock: the swap protocol (module header). */
function installCopy(
  log: PartitionLog,
  plan: CompactionPlan,
  segment: LogSegment,
  size: number,
  copy: CleanedCopy,
  tombstonesDropped: boolean,
): Promise<'installed' | 'removed' | 'skipped' | 'aborted'> {
  return log.exclusive(async () => {
    if (!log.segments.includes(plan.boundary)) {
      await rm(copy.path, { force: true });
      return 'aborted';
    }
    const index = log.segments.indexOf(segment);
    if (index < 0 || segment === log.activeSegment || segment.size !== size) {
      await rm(copy.path, { force: true });
      return 'skipped';
    }
    if (copy.size === 0 && index > 0) {
      await rm(copy.path, { force: true });
      log.segments.splice(index, 1);
      await segment.delete();
      return 'removed';
    }
    const paths = segmentPaths(log.dir, segment.baseOffset);
    const swapPath = paths.log + SWAP_SUFFIX;
    await rename(copy.path, swapPath);
    await syncDirectory(log.dir);
    // The reopened segment's txn index starts empty (its file is removed below): restore the entry of every ABORT marker the copy kept.
    const abortedTxns = segment.txnIndex.all.filter((txn) => !copy.droppedMarkers.has(txn.lastOffset));
    // Replace the file under reads in flight: they keep the old inode through the open handle.
    await Promise.all([rm(paths.index, { force: true }), rm(paths.timeIndex, { force: true }), rm(paths.txnIndex, { force: true })]);
    await rename(swapPath, paths.log);
    await syncDirectory(log.dir);
    const { segment: replacement, recovered } = await LogSegment.open(log.dir, segment.baseOffset, segmentOptions(log.config), false);
    if (recovered && (recovered.truncatedBytes > 0 || recovered.end.kind !== 'end')) {
      throw new Error(`the compacted copy of segment ${segment.baseOffset} in ${log.dir} failed validation (${recovered.end.kind})`);
    }
    for (const txn of abortedTxns) replacement.txnIndex.append(txn);
    await replacement.onBecomeInactive();
    log.segments[index] = replacement;
    await segment.release();
    if (tombstonesDropped) settled.add(replacement);
    return 'installed';
  });
}
