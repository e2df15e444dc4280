/**
 * Follower truncation (spec/kafka-facts.md §6.6, KIP-101/279): where a follower cuts its log so
 * that it agrees with its leader's. Pure: the follower's log is seen through `FollowerLogView`
 * (its offsets and leader-epoch cache), the leader's answer is a value.
 *
 * On becoming a follower (or on a new leader / leader epoch) the follower asks the leader
 * `OffsetsForLeaderEpoch(latest epoch in its own cache)` and applies `truncationForEpochEnd` to the
 * answer (E_L, off_L):
 * - undefined answer (the leader knows no such epoch) → its high watermark (the spec's fallback);
 * - the follower knows E_L → min(off_L, its own end of E_L, LEO): done;
 * - the follower does not know E_L → min(its own end of the largest epoch below E_L, LEO), then
 *   ask again with the (now lower) latest epoch (KIP-279's iterative step).
 * A follower with no epoch in its cache has nothing to ask about: `truncationWithoutEpochs`
 * (its high watermark, as Kafka does). A Fetch `divergingEpoch` (the same check carried on Fetch,
 * Kafka 2.7+) goes through `truncationForDivergingEpoch`.
 *
 * Every offset returned lies in [logStartOffset, logEndOffset]; equal to the log end offset means
 * nothing is cut.
 */
import type { EpochEntry } from '@samsa/log';

/** What truncation needs of a follower's log (a LogStore provides it). */
export interface FollowerLogView {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** Latest epoch in the leader-epoch cache, -1 when the cache is empty. */
  readonly latestEpoch: number;
  /** endOffsetFor(epoch) of the follower's own cache, with its log end offset for the latest epoch. */
  endOffsetForEpoch(epoch: number): EpochEntry;
}

/** The leader's answer: the largest epoch ≤ the one asked that it knows, and where that epoch ends. */
export interface LeaderEpochEnd {
  epoch: number;
  endOffset: number;
}

export type TruncationRule =
  /** The follower has no leader-epoch information: truncate to the high watermark. */
  | 'no-local-epochs'
  /** The leader answered UNDEFINED (-1, -1): truncate to the high watermark (spec fallback). */
  | 'leader-undefined'
  /** Both logs know the answered epoch: min(leader end, follower end, follower LEO). */
  | 'common-epoch'
  /** The follower does not know the answered epoch: cut to its own end of the epoch below, ask again. */
  | 'epoch-unknown-locally'
  /** The follower's cache has nothing at or before the answered epoch: min(leader end, LEO). */
  | 'no-local-entry';

export interface TruncationStep {
  /** Truncate the log to this offset (the log end offset when nothing is to be cut). */
  offset: number;
  /** False: ask the leader again with the follower's latest epoch after this truncation. */
  complete: boolean;
  rule: TruncationRule;
}

const clamp = (offset: number, log: FollowerLogView) => Math.min(Math.max(offset, log.logStartOffset), log.logEndOffset);

/** The epoch to ask the leader about (the latest in the follower's cache), or undefined when there is none. */
export function epochToAsk(log: FollowerLogView): number | undefined {
  return log.latestEpoch >= 0 ? log.latestEpoch : undefined;
}

/** A follower with no leader-epoch information truncates to its high watermark. */
export function truncationWithoutEpochs(log: FollowerLogView, highWatermark: number): TruncationStep {
  return { offset: clamp(highWatermark, log), complete: true, rule: 'no-local-epochs' };
}

/** The follower's truncation for the leader's OffsetsForLeaderEpoch answer (spec §6.6). */
export function truncationForEpochEnd(answer: LeaderEpochEnd, log: FollowerLogView, highWatermark: number): TruncationStep {
  if (answer.epoch < 0 || answer.endOffset < 0) return { offset: clamp(highWatermark, log), complete: true, rule: 'leader-undefined' };
  const own = log.endOffsetForEpoch(answer.epoch);
  if (own.epoch < 0 || own.startOffset < 0) return { offset: clamp(answer.endOffset, log), complete: true, rule: 'no-local-entry' };
  if (own.epoch !== answer.epoch) return { offset: clamp(own.startOffset, log), complete: false, rule: 'epoch-unknown-locally' };
  return { offset: clamp(Math.min(answer.endOffset, own.startOffset), log), complete: true, rule: 'common-epoch' };
}

/**
 * The follower's truncation for a Fetch `divergingEpoch` (the leader found the follower's last
 * fetched epoch ending before its fetch offset, or not at all). One step: a further divergence
 * comes back on the next fetch. When the leader knows no epoch up to the follower's (-1, -1), the
 * whole log goes — the next fetch then starts from the log start offset and cannot diverge again.
 */
export function truncationForDivergingEpoch(diverging: LeaderEpochEnd, log: FollowerLogView): TruncationStep {
  const own = log.endOffsetForEpoch(diverging.epoch);
  if (own.epoch === diverging.epoch) return { offset: clamp(Math.min(diverging.endOffset, own.startOffset), log), complete: true, rule: diverging.epoch < 0 ? 'leader-undefined' : 'common-epoch' };
  if (own.startOffset < 0) return { offset: clamp(diverging.endOffset, log), complete: true, rule: 'no-local-entry' };
  return { offset: clamp(own.startOffset, log), complete: false, rule: 'epoch-unknown-locally' };
}
