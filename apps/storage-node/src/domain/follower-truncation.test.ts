/**
 * Follower truncation rules (spec/kafka-facts.md §6.6). Leader and follower logs are modelled by
 * their leader-epoch caches (@samsa/log's LeaderEpochCache) and offsets; the leader's answer is
 * its own cache's endOffsetFor, exactly what OffsetsForLeaderEpoch returns.
 */
import { describe, expect, it } from 'vitest';
import { LeaderEpochCache, type EpochEntry } from '@samsa/log';
import { epochToAsk, truncationForDivergingEpoch, truncationForEpochEnd, truncationWithoutEpochs, type FollowerLogView, type LeaderEpochEnd } from './follower-truncation.js';

/** A replica's log as far as truncation sees it: its epoch cache and offsets. */
class ModelLog implements FollowerLogView {
  private readonly cache: LeaderEpochCache;

  constructor(
    entries: Array<[number, number]>,
    public logEndOffset: number,
    public logStartOffset = 0,
  ) {
    this.cache = new LeaderEpochCache(entries.map(([epoch, startOffset]) => ({ epoch, startOffset })));
  }

  get latestEpoch(): number {
    return this.cache.latestEpoch;
  }

  endOffsetForEpoch(epoch: number): EpochEntry {
    return this.cache.endOffsetFor(epoch, this.logEndOffset);
  }

  /** What LogStore.truncateTo does to the offsets and the cache. */
  truncateTo(offset: number): void {
    if (offset >= this.logEndOffset) return;
    this.logEndOffset = offset;
    this.cache.truncateFromEnd(offset);
  }

  get epochs(): Array<[number, number]> {
    return this.cache.all.map((entry) => [entry.epoch, entry.startOffset]);
  }
}

/** The leader's OffsetsForLeaderEpoch answer for `epoch`. */
function ask(leader: ModelLog, epoch: number): LeaderEpochEnd {
  const end = leader.endOffsetForEpoch(epoch);
  return { epoch: end.epoch, endOffset: end.startOffset };
}

/** The whole exchange as the fetcher runs it: ask, truncate, ask again while a step is incomplete. */
function reconcile(follower: ModelLog, leader: ModelLog, highWatermark: number): number[] {
  const asked: number[] = [];
  for (;;) {
    const epoch = epochToAsk(follower);
    if (epoch === undefined) {
      follower.truncateTo(truncationWithoutEpochs(follower, highWatermark).offset);
      return asked;
    }
    asked.push(epoch);
    const step = truncationForEpochEnd(ask(leader, epoch), follower, highWatermark);
    follower.truncateTo(step.offset);
    if (step.complete || follower.latestEpoch >= epoch) return asked;
  }
}

describe('the leader answers (the LeaderEpochFileCacheTest vectors through endOffsetFor)', () => {
  it('gives the largest epoch at or below the one asked and where the next one starts', () => {
    const leader = new ModelLog([[0, 10], [2, 13], [4, 17]], 20);
    expect(ask(leader, 1)).toEqual({ epoch: 0, endOffset: 13 });
    expect(ask(leader, 2)).toEqual({ epoch: 2, endOffset: 17 });
    expect(ask(leader, 3)).toEqual({ epoch: 2, endOffset: 17 });
    expect(ask(leader, 4)).toEqual({ epoch: 4, endOffset: 20 });
    expect(ask(new ModelLog([[5, 11], [6, 12], [7, 13]], 14), 4)).toEqual({ epoch: 4, endOffset: 11 });
    expect(ask(new ModelLog([], 0), -1)).toEqual({ epoch: -1, endOffset: -1 });
  });
});

describe('truncationForEpochEnd', () => {
  it('equal epochs: cuts the follower back to the leader end of the epoch they share', () => {
    // A restarted ex-leader wrote 10..14 in epoch 0 that nobody has; the new leader wrote from 10 in epoch 1.
    const follower = new ModelLog([[0, 0]], 15);
    const leader = new ModelLog([[0, 0], [1, 10]], 13);
    expect(ask(leader, 0)).toEqual({ epoch: 0, endOffset: 10 });
    expect(truncationForEpochEnd(ask(leader, 0), follower, 15)).toEqual({ offset: 10, complete: true, rule: 'common-epoch' });
  });

  it('equal epochs with nothing divergent: keeps the whole log', () => {
    const follower = new ModelLog([[0, 0], [1, 10]], 12);
    const leader = new ModelLog([[0, 0], [1, 10]], 13);
    expect(truncationForEpochEnd(ask(leader, 1), follower, 12)).toEqual({ offset: 12, complete: true, rule: 'common-epoch' });
  });

  it('leader lower epoch known to both: min(leader end, follower end of that epoch, LEO)', () => {
    const follower = new ModelLog([[0, 0], [1, 5], [2, 10]], 15);
    const leader = new ModelLog([[0, 0], [1, 5], [3, 8]], 12);
    expect(ask(leader, 2)).toEqual({ epoch: 1, endOffset: 8 });
    expect(truncationForEpochEnd(ask(leader, 2), follower, 5)).toEqual({ offset: 8, complete: true, rule: 'common-epoch' });
    // The follower's epoch 1 ended first: its own end wins.
    const shorter = new ModelLog([[0, 0], [1, 5], [2, 7]], 15);
    expect(truncationForEpochEnd(ask(leader, 2), shorter, 5)).toEqual({ offset: 7, complete: true, rule: 'common-epoch' });
  });

  it('leader lower epoch the follower does not know: cuts to the epoch below and asks again (KIP-279)', () => {
    const follower = new ModelLog([[0, 0], [2, 8], [4, 12]], 20);
    const leader = new ModelLog([[0, 0], [2, 8], [3, 10], [5, 15]], 18);
    expect(ask(leader, 4)).toEqual({ epoch: 3, endOffset: 15 });
    expect(truncationForEpochEnd(ask(leader, 4), follower, 9)).toEqual({ offset: 12, complete: false, rule: 'epoch-unknown-locally' });

    expect(reconcile(follower, leader, 9)).toEqual([4, 2]);
    expect([follower.logEndOffset, follower.epochs]).toEqual([10, [[0, 0], [2, 8]]]);
  });

  it('leader with no epoch at or below the one asked: the follower keeps up to the first leader epoch', () => {
    const leader = new ModelLog([[5, 11], [6, 12], [7, 13]], 14);
    const follower = new ModelLog([[3, 0], [4, 8]], 14);
    expect(truncationForEpochEnd(ask(leader, 4), follower, 9)).toEqual({ offset: 11, complete: true, rule: 'common-epoch' });
  });

  it('leader unknown epoch (UNDEFINED): falls back to the high watermark', () => {
    const follower = new ModelLog([[0, 0], [3, 10]], 15);
    const leader = new ModelLog([[0, 0], [1, 9]], 12);
    expect(ask(leader, 3)).toEqual({ epoch: -1, endOffset: -1 });
    expect(truncationForEpochEnd(ask(leader, 3), follower, 9)).toEqual({ offset: 9, complete: true, rule: 'leader-undefined' });
    expect(truncationForEpochEnd({ epoch: -1, endOffset: -1 }, follower, 20).offset).toBe(15);
  });

  it('follower shorter than the leader end offset: nothing to cut', () => {
    const follower = new ModelLog([[0, 0], [1, 10]], 11);
    const leader = new ModelLog([[0, 0], [1, 10]], 13);
    expect(truncationForEpochEnd(ask(leader, 1), follower, 11)).toEqual({ offset: 11, complete: true, rule: 'common-epoch' });
    expect(reconcile(follower, leader, 11)).toEqual([1]);
    expect(follower.logEndOffset).toBe(11);
  });

  it('empty follower log: nothing to ask, nothing to cut', () => {
    const follower = new ModelLog([], 0);
    expect(epochToAsk(follower)).toBeUndefined();
    expect(truncationWithoutEpochs(follower, 0)).toEqual({ offset: 0, complete: true, rule: 'no-local-epochs' });
    expect(truncationForEpochEnd({ epoch: 2, endOffset: 40 }, follower, 0)).toEqual({ offset: 0, complete: true, rule: 'no-local-entry' });
    const restarted = new ModelLog([], 30, 30);
    expect(truncationWithoutEpochs(restarted, 0)).toEqual({ offset: 30, complete: true, rule: 'no-local-epochs' });
  });

  it('follower without epochs but with records: truncates to its high watermark', () => {
    expect(truncationWithoutEpochs(new ModelLog([], 12), 7)).toEqual({ offset: 7, complete: true, rule: 'no-local-epochs' });
    expect(truncationWithoutEpochs(new ModelLog([], 12), 40).offset).toBe(12);
  });

  it('never goes below the log start offset or above the log end offset', () => {
    const follower = new ModelLog([[2, 20]], 30, 25);
    expect(truncationForEpochEnd({ epoch: 2, endOffset: 22 }, follower, 26).offset).toBe(25);
    expect(truncationForEpochEnd({ epoch: 2, endOffset: 99 }, follower, 26).offset).toBe(30);
    expect(truncationForEpochEnd({ epoch: -1, endOffset: -1 }, follower, 3).offset).toBe(25);
  });
});

describe('truncationForDivergingEpoch', () => {
  it('cuts to where the logs agree, one step per fetch', () => {
    expect(truncationForDivergingEpoch({ epoch: 0, endOffset: 10 }, new ModelLog([[0, 0]], 15))).toEqual({ offset: 10, complete: true, rule: 'common-epoch' });
    expect(truncationForDivergingEpoch({ epoch: 3, endOffset: 15 }, new ModelLog([[0, 0], [2, 8], [4, 12]], 20))).toEqual({ offset: 12, complete: false, rule: 'epoch-unknown-locally' });
  });

  it('drops the whole log when the leader knows none of its epochs', () => {
    expect(truncationForDivergingEpoch({ epoch: -1, endOffset: -1 }, new ModelLog([[3, 5]], 15, 5))).toEqual({ offset: 5, complete: true, rule: 'leader-undefined' });
  });
});
