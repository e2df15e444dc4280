/**
 * Scheduled upkeep of one PartitionLog, every `retentionCheckIntervalMs` on the injected clock:
 * retention (delete old segments), compaction (for `cleanup.policy` with compact), and expiry of
 * idle producer state. The high watermark comes from the replication layer (a callback), since
 * only data below it may be deleted or compacted; a standalone log uses its log end offset.
 */
import type { Clock, Logger, TimerHandle } from '@samsa/common';
import type { LogSegment } from './log-segment.js';
import { planRetention, type RetentionPlan } from './log-retention.js';
import type { PartitionLog } from './partition-log.js';
import { cleanableDirtyRatio, compactLog } from './log-cleaner.js';

export interface MaintenanceHooks {
  /** Exclusive upper bound for deletion and compaction; default: the log end offset. */
  highWatermark?: () => number;
  /** Replaces the default compaction (compactLog when the dirty ratio reaches min.cleanable.dirty.ratio). */
  compact?: (log: PartitionLog, options: MaintenanceCompaction) => Promise<unknown>;
  /** Memory bound of a compaction's offset map (log.cleaner.dedupe.buffer.size); default 128 MiB. */
  offsetMapBytes?: number;
  /** Runs each compaction; a node passes one shared `oneAtATime()` so its logs compact one by one (one cleaner thread, one map in memory). */
  cleanerSlot?: <T>(run: () => Promise<T>) => Promise<T>;
}

export interface MaintenanceCompaction {
  nowMs: number;
  upperBoundOffset: number;
  offsetMapBytes?: number;
}

/** Runs the tasks given to it one at a time, in call order (a failure does not stop the next). */
export function oneAtATime(): <T>(run: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** Applies retention once; returns what was deleted. */
export async function applyRetention(log: PartitionLog, nowMs: number, highWatermark: number): Promise<RetentionPlan> {
  const segments = await Promise.all(
    log.segments.map(async (segment: LogSegment, i: number) => ({
      baseOffset: segment.baseOffset,
      nextOffset: log.segments[i + 1]?.baseOffset ?? log.logEndOffset,
      sizeBytes: segment.size,
      largestTimestampMs: segment.maxTimestampSoFar >= 0 ? segment.maxTimestampSoFar : await segment.lastModifiedMs(),
    })),
  );
  const plan = planRetention(segments, {
    logStartOffset: log.logStartOffset,
    highWatermark,
    retentionBytes: log.config.retentionBytes,
    retentionMs: log.config.retentionMs,
    deleteEnabled: log.config.cleanupPolicy.includes('delete'),
    nowMs,
  });
  if (plan.count > 0) await log.deleteOldestSegments(plan.count);
  return plan;
}

/** Compacts when enough of the cleanable log is dirty (Kafka's min.cleanable.dirty.ratio). */
async function compactWhenDirty(log: PartitionLog, options: MaintenanceCompaction): Promise<unknown> {
  if ((await cleanableDirtyRatio(log, options.upperBoundOffset)) < log.config.minCleanableDirtyRatio) return undefined;
  return compactLog(log, options);
}

/** Starts the periodic upkeep; `stop` cancels it (and waits for a run in progress). */
export function startMaintenance(log: PartitionLog, clock: Clock, logger: Logger, hooks: MaintenanceHooks = {}): { stop(): Promise<void> } {
  let timer: TimerHandle | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runOnce = async () => {
    const nowMs = clock.nowMs();
    const highWatermark = Math.min(hooks.highWatermark?.() ?? log.logEndOffset, log.logEndOffset);
    const plan = await applyRetention(log, nowMs, highWatermark);
    if (plan.count > 0) logger.info({ deletedSegments: plan.count, reason: plan.reason, logStartOffset: log.logStartOffset }, 'retention deleted segments');
    if (log.config.cleanupPolicy.includes('compact')) {
      const compact = () => (hooks.compact ?? compactWhenDirty)(log, { nowMs, upperBoundOffset: highWatermark, offsetMapBytes: hooks.offsetMapBytes });
      await (hooks.cleanerSlot ? hooks.cleanerSlot(compact) : compact());
    }
    const expired = log.producers.removeExpired(nowMs, log.config.producerIdExpirationMs);
    if (expired > 0) logger.debug({ expired }, 'expired idle producer state');
  };
  const schedule = () => {
    if (stopped) return;
    timer = clock.setTimer(log.config.retentionCheckIntervalMs, () => {
      running = runOnce()
        .catch((error: unknown) => logger.error({ err: error }, 'log maintenance failed'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    });
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      timer?.cancel();
      await running;
    },
  };
}
