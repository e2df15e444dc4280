/**
 * Opening a partition directory (spec §5.6). A clean open (the clean-shutdown marker is present)
 * trusts the indexes and reads no batch data except the few headers after each segment's last
 * index entry. After an unclean shutdown every segment from the recovery point on is validated
 * batch by batch (size, magic, CRC); at the first torn or corrupt batch the segment is truncated
 * there and every later segment deleted. Leftovers of an interrupted compaction are resolved
 * first: `.cleaned` files are discarded, `.swap` files (complete) replace their segment.
 * Producer state comes from the newest usable snapshot plus a replay of later batch headers; the
 * leader-epoch cache is completed from the batches of recovered segments.
 */
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@samsa/common';
import { readCheckpoint, syncDirectory } from './checkpoint-file.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { segmentOptions, type LogConfig } from './log-config.js';
import { LogSegment } from './log-segment.js';
import { decodeProducerSnapshot } from './producer-snapshot.js';
import { ProducerStateManager } from './producer-state.js';
import {
  CLEANED_SUFFIX,
  CLEAN_SHUTDOWN_MARKER,
  LEADER_EPOCH_CHECKPOINT,
  LOG_CHECKPOINT,
  LOG_SUFFIX,
  SNAPSHOT_SUFFIX,
  SWAP_SUFFIX,
  offsetFileName,
  parseOffsetFileName,
  segmentPaths,
} from './segment-files.js';

export interface LoadedLog {
  segments: LogSegment[];
  logStartOffset: number;
  recoveryPoint: number;
  cleanerCheckpoint: number;
  epochCache: LeaderEpochCache;
  producers: ProducerStateManager;
  /** Offset of the snapshot producer state was loaded from (-1: none). */
  snapshotOffset: number;
  hadCleanShutdown: boolean;
  /** Bytes cut off torn or corrupt tails. */
  truncatedBytes: number;
}

export async function loadLog(dir: string, config: LogConfig, nowMs: number, logger: Logger): Promise<LoadedLog> {
  let names = await readdir(dir);
  const hadCleanShutdown = names.includes(CLEAN_SHUTDOWN_MARKER);
  if (await resolveInterruptedCompaction(dir, names, logger)) names = await readdir(dir);
  // Independent reads, started together.
  const epochCacheLoad = LeaderEpochCache.load(join(dir, LEADER_EPOCH_CHECKPOINT));
  const checkpoint = new Map((await readCheckpoint(join(dir, LOG_CHECKPOINT)))?.map(([key, value]) => [key, Number(value)]) ?? []);
  let recoveryPoint = checkpoint.get('recoveryPoint') ?? 0;
  const bases = names.map((name) => parseOffsetFileName(name, LOG_SUFFIX)).filter((base): base is number => base !== undefined).sort((a, b) => a - b);
  const options = segmentOptions(config);

  const segments: LogSegment[] = [];
  const rebuilt = new Set<LogSegment>();
  let truncatedBytes = 0;
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i] as number;
    const next = bases[i + 1];
    const trusted = hadCleanShutdown || (next !== undefined && next <= recoveryPoint);
    const { segment, recovered: result } = await LogSegment.open(dir, base, options, trusted);
    if (result) {
      rebuilt.add(segment);
      if (result.truncatedBytes > 0 || result.end.kind !== 'end') {
        truncatedBytes += result.truncatedBytes;
        logger.warn({ segment: base, truncatedBytes: result.truncatedBytes, reason: result.end.kind }, 'truncated a damaged segment tail');
        segments.push(segment);
        for (const later of bases.slice(i + 1)) await deleteSegmentFiles(dir, later);
        break;
      }
    }
    segments.push(segment);
  }
  if (segments.length === 0) segments.push(await LogSegment.create(dir, checkpoint.get('logStartOffset') ?? 0, options, nowMs));

  const first = segments[0] as LogSegment;
  const logEndOffset = (segments.at(-1) as LogSegment).nextOffset;
  const logStartOffset = Math.min(Math.max(checkpoint.get('logStartOffset') ?? first.baseOffset, first.baseOffset), logEndOffset);
  recoveryPoint = Math.min(recoveryPoint, logEndOffset);

  const epochCache = await epochCacheLoad;
  const producers = new ProducerStateManager();
  const snapshotOffset = await loadNewestSnapshot(dir, producers, hadCleanShutdown ? logEndOffset : recoveryPoint, logStartOffset);
  // Replay what the snapshot does not cover, and the epochs of every recovered segment.
  for (const segment of segments) {
    if (segment.nextOffset <= snapshotOffset && !rebuilt.has(segment)) continue;
    await segment.walkHeaders(0, (view) => {
      if (rebuilt.has(segment) && view.partitionLeaderEpoch >= 0 && view.partitionLeaderEpoch > epochCache.latestEpoch) epochCache.assign(view.partitionLeaderEpoch, view.baseOffset);
      if (view.baseOffset < snapshotOffset || view.producerId < 0) return;
      const completed = producers.replay(view);
      if (completed?.aborted && rebuilt.has(segment)) {
        segment.txnIndex.append({ producerId: completed.producerId, firstOffset: completed.firstOffset, lastOffset: completed.lastOffset, lastStableOffset: producers.firstUnstableOffset() ?? completed.lastOffset + 1 });
      }
    });
  }
  epochCache.truncateFromEnd(logEndOffset);
  epochCache.truncateFromStart(logStartOffset);

  return {
    segments,
    logStartOffset,
    recoveryPoint,
    cleanerCheckpoint: checkpoint.get('cleanerCheckpoint') ?? logStartOffset,
    epochCache,
    producers,
    snapshotOffset,
    hadCleanShutdown,
    truncatedBytes,
  };
}

/** Loads the newest valid snapshot at or below `upTo` (and not below the log start). Returns its offset, or -1. */
async function loadNewestSnapshot(dir: string, producers: ProducerStateManager, upTo: number, logStartOffset: number): Promise<number> {
  const offsets = (await readdir(dir)).map((name) => parseOffsetFileName(name, SNAPSHOT_SUFFIX)).filter((offset): offset is number => offset !== undefined).sort((a, b) => b - a);
  for (const offset of offsets) {
    if (offset > upTo) {
      await rm(join(dir, offsetFileName(offset, SNAPSHOT_SUFFIX)), { force: true });
      continue;
    }
    if (offset < logStartOffset) break;
    const entries = decodeProducerSnapshot(await readFile(join(dir, offsetFileName(offset, SNAPSHOT_SUFFIX))));
    if (entries) {
      producers.load(entries);
      return offset;
    }
  }
  return -1;
}

/** Returns whether it changed the directory. */
async function resolveInterruptedCompaction(dir: string, names: readonly string[], logger: Logger): Promise<boolean> {
  let changed = false;
  for (const name of names) {
    if (name.endsWith(CLEANED_SUFFIX) || name.endsWith('.tmp')) {
      await rm(join(dir, name), { force: true });
      changed = true;
    } else if (name.endsWith(SWAP_SUFFIX)) {
      const base = parseOffsetFileName(name.slice(0, -SWAP_SUFFIX.length), LOG_SUFFIX);
      if (base === undefined) continue;
      const paths = segmentPaths(dir, base);
      await Promise.all([rm(paths.index, { force: true }), rm(paths.timeIndex, { force: true }), rm(paths.txnIndex, { force: true })]);
      await rename(join(dir, name), paths.log);
      logger.info({ segment: base }, 'completed an interrupted compaction swap');
      changed = true;
    }
  }
  if (changed) await syncDirectory(dir);
  return changed;
}

export async function deleteSegmentFiles(dir: string, baseOffset: number): Promise<void> {
  const paths = segmentPaths(dir, baseOffset);
  await Promise.all(Object.values(paths).map((path) => rm(path, { force: true })));
}
