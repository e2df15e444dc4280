import { describe, expect, it } from 'vitest';
import { planRetention, type RetentionPolicy, type RetentionSegment } from './log-retention.js';

const segments: RetentionSegment[] = [
  { baseOffset: 0, nextOffset: 100, sizeBytes: 1000, largestTimestampMs: 1_000 },
  { baseOffset: 100, nextOffset: 200, sizeBytes: 1000, largestTimestampMs: 2_000 },
  { baseOffset: 200, nextOffset: 300, sizeBytes: 1000, largestTimestampMs: 3_000 },
  { baseOffset: 300, nextOffset: 350, sizeBytes: 500, largestTimestampMs: 4_000 },
];
const policy: RetentionPolicy = { logStartOffset: 0, highWatermark: 350, retentionBytes: -1, retentionMs: -1, deleteEnabled: true, nowMs: 10_000 };

describe('planRetention (spec §5.5)', () => {
  it('deletes nothing with unlimited retention', () => {
    expect(planRetention(segments, policy)).toEqual({ count: 0, reason: 'none' });
  });

  it('deletes segments wholly below the log start offset', () => {
    expect(planRetention(segments, { ...policy, logStartOffset: 250 })).toEqual({ count: 2, reason: 'log-start-offset' });
  });

  it('deletes oldest segments while the log stays at or above retention.bytes', () => {
    expect(planRetention(segments, { ...policy, retentionBytes: 1500 }).count).toBe(2);
    expect(planRetention(segments, { ...policy, retentionBytes: 2600 }).count).toBe(0);
  });

  it('deletes segments whose newest record is older than retention.ms, oldest first', () => {
    expect(planRetention(segments, { ...policy, retentionMs: 7_500 })).toEqual({ count: 2, reason: 'retention.ms' });
  });

  it('never deletes a segment holding offsets at or above the high watermark', () => {
    expect(planRetention(segments, { ...policy, retentionMs: 0, highWatermark: 150 }).count).toBe(1);
  });

  it('applies size and time limits only with the delete policy', () => {
    expect(planRetention(segments, { ...policy, retentionMs: 0, retentionBytes: 0, deleteEnabled: false }).count).toBe(0);
  });
});
