/** The first record of `batch` at or after `timestampMs` (and not below the log start), for ListOffsets by time. */
import type { RecordBatchView } from '@samsa/records';
import type { TimestampOffset } from './log-store.js';

export function firstRecordAtOrAfter(batch: RecordBatchView, timestampMs: number, logStartOffset: number): TimestampOffset | undefined {
  for (const record of batch.records()) {
    if (record.timestamp >= timestampMs && record.offset >= logStartOffset) return { offset: record.offset, timestamp: record.timestamp, leaderEpoch: batch.partitionLeaderEpoch };
  }
  return undefined;
}

/** The first record of `batch` carrying exactly `timestampMs`. */
export function recordWithTimestamp(batch: RecordBatchView, timestampMs: number): TimestampOffset | undefined {
  for (const record of batch.records()) {
    if (record.timestamp === timestampMs) return { offset: record.offset, timestamp: record.timestamp, leaderEpoch: batch.partitionLeaderEpoch };
  }
  return undefined;
}
