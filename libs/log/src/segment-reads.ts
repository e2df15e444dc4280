/**
 * The read side of a partition log over its segments (ascending base offsets, never empty): fetch
 * reads by position, timestamp lookups and the aborted transactions of a range. Pure functions of
 * the segment list, so reads need no lock: they walk segments by offset, never by array position,
 * because retention or compaction may change the list while a read is in flight.
 */
import { ErrorCode } from '@samsa/proto';
import { SamsaError } from '@samsa/common';
import type { LogSegment } from './log-segment.js';
import type { ReadOptions, ReadResult, TimestampOffset } from './log-store.js';
import { firstRecordAtOrAfter, recordWithTimestamp } from './timestamp-lookup.js';
import type { AbortedTxn } from './txn-index.js';

/** Index of the last segment whose base offset is ≤ `offset` (0 when all are above). */
export function segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
  let low = 0;
  let high = segments.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if ((segments[mid] as LogSegment).baseOffset <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Whole batches from the one holding `fetchOffset`; OFFSET_OUT_OF_RANGE outside [start, end]. */
export async function readSegments(segments: readonly LogSegment[], logStartOffset: number, logEndOffset: number, fetchOffset: number, options: ReadOptions): Promise<ReadResult> {
  if (fetchOffset < logStartOffset || fetchOffset > logEndOffset) {
    throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${fetchOffset} is outside [${logStartOffset}, ${logEndOffset}]`);
  }
  const maxOffset = Math.min(options.maxOffset ?? logEndOffset, logEndOffset);
  const empty = { bytes: Buffer.alloc(0), firstOffset: fetchOffset, nextOffset: fetchOffset, logStartOffset, logEndOffset };
  if (fetchOffset >= maxOffset) return empty;
  let segment: LogSegment | undefined = segments[segmentIndexFor(segments, fetchOffset)];
  while (segment) {
    const found = await segment.read(fetchOffset, options.maxBytes, maxOffset, options.minOneBatch ?? true, options.buffer);
    if (found) return { ...found, logStartOffset, logEndOffset };
    if (segment.nextOffset >= maxOffset) break;
    const base = segment.baseOffset;
    segment = segments.find((candidate) => candidate.baseOffset > base);
  }
  return empty;
}

/** The first record with timestamp ≥ `timestampMs` at or above the log start. */
export async function offsetForTimestampIn(segments: readonly LogSegment[], timestampMs: number, logStartOffset: number): Promise<TimestampOffset | undefined> {
  for (const segment of segments) {
    if (segment.maxTimestampSoFar < timestampMs) continue;
    const batch = await segment.findBatchByTimestamp(timestampMs);
    if (!batch) continue;
    const found = firstRecordAtOrAfter(batch, timestampMs, logStartOffset);
    if (found) return found;
  }
  return undefined;
}

/** The (first) record with the largest timestamp. */
export async function maxTimestampIn(segments: readonly LogSegment[], logStartOffset: number): Promise<TimestampOffset | undefined> {
  let best: LogSegment | undefined;
  for (const segment of segments) if (segment.maxTimestampSoFar >= 0 && (!best || segment.maxTimestampSoFar > best.maxTimestampSoFar)) best = segment;
  if (!best || best.offsetOfMaxTimestampSoFar < logStartOffset) return undefined;
  const batch = await best.findBatchByTimestamp(best.maxTimestampSoFar);
  return batch ? recordWithTimestamp(batch, best.maxTimestampSoFar) : undefined;
}

/** Aborted transactions overlapping [fetchOffset, upperBound) (spec §8.8). */
export function abortedTransactionsIn(segments: readonly LogSegment[], fetchOffset: number, upperBound: number): AbortedTxn[] {
  const found: AbortedTxn[] = [];
  for (let i = segmentIndexFor(segments, fetchOffset); i < segments.length; i++) {
    const result = (segments[i] as LogSegment).txnIndex.collect(fetchOffset, upperBound);
    found.push(...result.found);
    if (result.done) break;
  }
  return found;
}
