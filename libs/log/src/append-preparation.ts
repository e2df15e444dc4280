/**
 * The storage-independent half of an append, shared by every LogStore implementation:
 * validation of the batches (size limits, structure, CRC, record offsets), offset assignment
 * in place (leader) or contiguity checks (replica), leader-epoch and LogAppendTime stamping, and
 * the idempotence checks on a staged copy of producer state. Nothing here touches storage or
 * commits state: the caller writes the bytes, then commits `stage`.
 */
import { ErrorCode } from '@samsa/proto';
import { SamsaError } from '@samsa/common';
import { iterateBatches, validateBatchForAppend, type RecordBatchView } from '@samsa/records';
import type { LogConfig } from './log-config.js';
import type { AppendOptions, AppendResult } from './log-store.js';
import type { ProducerStateManager, ProducerStateStage } from './producer-state.js';
import type { AbortedTxn } from './txn-index.js';

export interface PreparedAppend {
  kind: 'append';
  views: RecordBatchView[];
  stage: ProducerStateStage;
  /** Aborted transactions the markers in this append complete (for the txn index). */
  aborts: AbortedTxn[];
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
  recordCount: number;
  logAppendTimeMs: number;
}

export type Preparation = PreparedAppend | { kind: 'duplicate'; result: AppendResult };

/** Checks limits and structure of every batch in `batches` (no state needed). */
export function validateBatches(batches: Buffer, options: AppendOptions, config: LogConfig): RecordBatchView[] {
  const views: RecordBatchView[] = [];
  for (const view of iterateBatches(batches)) {
    if (view.sizeInBytes > config.maxMessageBytes) {
      throw new SamsaError(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${view.sizeInBytes} bytes exceeds max.message.bytes ${config.maxMessageBytes}`);
    }
    if (view.sizeInBytes > config.segmentBytes) {
      throw new SamsaError(ErrorCode.RECORD_LIST_TOO_LARGE, `batch of ${view.sizeInBytes} bytes exceeds segment.bytes ${config.segmentBytes}`);
    }
    validateBatchForAppend(view, { deep: options.origin === 'leader' && options.validateRecords !== false, probed: true });
    views.push(view);
  }
  if (views.length === 0) throw new SamsaError(ErrorCode.INVALID_RECORD, 'an append needs at least one record batch');
  return views;
}

/** Assigns offsets (leader) and checks producer state; must run under the log's writer lock. */
export function prepareAppend(
  views: RecordBatchView[],
  options: AppendOptions,
  context: { config: LogConfig; nowMs: number; logEndOffset: number; logStartOffset: number; producers: ProducerStateManager },
): Preparation {
  const leader = options.origin === 'leader';
  const logAppendTimeMs = leader && context.config.messageTimestampType === 'LogAppendTime' ? context.nowMs : -1;
  const stage = context.producers.stage();
  const aborts: AbortedTxn[] = [];
  let nextOffset = context.logEndOffset;
  let maxTimestamp = -1;
  let offsetOfMaxTimestamp = -1;
  let recordCount = 0;
  for (const view of views) {
    if (leader) {
      view.setBaseOffset(nextOffset);
      if (options.leaderEpoch !== undefined) view.setPartitionLeaderEpoch(options.leaderEpoch);
      if (logAppendTimeMs >= 0) view.stampLogAppendTime(logAppendTimeMs);
    } else if (view.baseOffset !== nextOffset) {
      throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `replica batch starts at ${view.baseOffset}, expected ${nextOffset}`);
    }
    if (leader && view.producerId >= 0) {
      const checked = stage.check(view);
      if (checked.kind === 'duplicate') {
        if (views.length > 1) throw new SamsaError(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, 'a duplicate batch must be retried on its own');
        const baseOffset = checked.batch.lastOffset - checked.batch.offsetDelta;
        return { kind: 'duplicate', result: { baseOffset, lastOffset: checked.batch.lastOffset, logAppendTimeMs, logStartOffset: context.logStartOffset, duplicate: true, recordCount: 0 } };
      }
    }
    const completed = stage.apply(view);
    if (completed?.aborted) {
      const { producerId, firstOffset, lastOffset } = completed;
      aborts.push({ producerId, firstOffset, lastOffset, lastStableOffset: lastStableOffsetAfter(context.producers, producerId, lastOffset) });
    }
    if (view.maxTimestamp > maxTimestamp) {
      maxTimestamp = view.maxTimestamp;
      offsetOfMaxTimestamp = view.lastOffset;
    }
    recordCount += view.recordsCount;
    nextOffset = view.nextOffset;
  }
  const baseOffset = (views[0] as RecordBatchView).baseOffset;
  return { kind: 'append', views, stage, aborts, baseOffset, lastOffset: nextOffset - 1, maxTimestamp, offsetOfMaxTimestamp, recordCount, logAppendTimeMs };
}

/** The last stable offset right after `producerId`'s transaction ended at `markerOffset` (spec §8.8). */
function lastStableOffsetAfter(producers: ProducerStateManager, producerId: number, markerOffset: number): number {
  let lastStable = markerOffset + 1;
  for (const other of producers.entries()) {
    if (other.producerId !== producerId && other.currentTxnFirstOffset >= 0) lastStable = Math.min(lastStable, other.currentTxnFirstOffset);
  }
  return lastStable;
}

/** New epochs the appended batches start (epoch → first offset), in order. */
export function epochStarts(views: readonly RecordBatchView[], latestEpoch: number): Array<{ epoch: number; startOffset: number }> {
  const starts: Array<{ epoch: number; startOffset: number }> = [];
  let latest = latestEpoch;
  for (const view of views) {
    if (view.partitionLeaderEpoch > latest) {
      latest = view.partitionLeaderEpoch;
      starts.push({ epoch: latest, startOffset: view.baseOffset });
    }
  }
  return starts;
}
