/**
 * Retention planning (spec §5.5), pure: which oldest segments go. Whole segments only, oldest
 * first, stopping at the first that does not qualify; a segment qualifies only when all of its
 * offsets are below the high watermark. Predicates, each on what the previous left:
 *   1. below the log start offset (DeleteRecords moved it past the whole segment);
 *   2. `retention.bytes`: while the log is larger than allowed by at least the segment's size;
 *   3. `retention.ms`: while the segment's newest record is older than allowed.
 * (2) and (3) apply only with `cleanup.policy` including delete. An empty active segment is never
 * deleted; when every segment qualifies, the caller rolls a fresh active segment first.
 */
export interface RetentionSegment {
  baseOffset: number;
  /** Base offset of the next segment, or the log end offset for the active one. */
  nextOffset: number;
  sizeBytes: number;
  /** Newest record timestamp, or the file's modification time when it has none. */
  largestTimestampMs: number;
}

export interface RetentionPolicy {
  logStartOffset: number;
  highWatermark: number;
  retentionBytes: number;
  retentionMs: number;
  deleteEnabled: boolean;
  nowMs: number;
}

export interface RetentionPlan {
  /** How many of the oldest segments to delete. */
  count: number;
  reason: 'log-start-offset' | 'retention.bytes' | 'retention.ms' | 'none';
}

export function planRetention(segments: readonly RetentionSegment[], policy: RetentionPolicy): RetentionPlan {
  const eligible = (segment: RetentionSegment) => segment.nextOffset <= policy.highWatermark && segment.sizeBytes > 0;
  let deleted = 0;
  let reason: RetentionPlan['reason'] = 'none';
  const take = (why: RetentionPlan['reason'], qualifies: (segment: RetentionSegment) => boolean) => {
    while (deleted < segments.length) {
      const segment = segments[deleted] as RetentionSegment;
      if (!eligible(segment) || !qualifies(segment)) return;
      deleted++;
      reason = why;
    }
  };

  take('log-start-offset', (segment) => segment.nextOffset <= policy.logStartOffset);
  if (policy.deleteEnabled && policy.retentionBytes >= 0) {
    let excess = segments.slice(deleted).reduce((total, segment) => total + segment.sizeBytes, 0) - policy.retentionBytes;
    take('retention.bytes', (segment) => {
      if (excess - segment.sizeBytes < 0) return false;
      excess -= segment.sizeBytes;
      return true;
    });
  }
  if (policy.deleteEnabled && policy.retentionMs >= 0) {
    take('retention.ms', (segment) => policy.nowMs - segment.largestTimestampMs > policy.retentionMs);
  }
  return { count: deleted, reason };
}
