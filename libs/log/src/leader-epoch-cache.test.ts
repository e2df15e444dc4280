import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LeaderEpochCache } from './leader-epoch-cache.js';

describe('LeaderEpochCache (spec §6.6 vectors)', () => {
  it('ignores a later start for the latest epoch', () => {
    const cache = new LeaderEpochCache();
    cache.assign(2, 6);
    expect(cache.assign(2, 7)).toBe(false);
    expect(cache.all).toEqual([{ epoch: 2, startOffset: 6 }]);
  });

  it('drops trailing entries that a new assignment overtakes', () => {
    const cache = new LeaderEpochCache([
      { epoch: 5, startOffset: 11 },
      { epoch: 6, startOffset: 12 },
      { epoch: 7, startOffset: 13 },
    ]);
    cache.assign(7, 12);
    expect(cache.all).toEqual([
      { epoch: 5, startOffset: 11 },
      { epoch: 7, startOffset: 12 },
    ]);
    expect(cache.endOffsetFor(5, 100)).toEqual({ epoch: 5, startOffset: 12 });
    expect(cache.endOffsetFor(6, 100)).toEqual({ epoch: 5, startOffset: 12 });
  });

  it('answers endOffsetFor as Kafka does', () => {
    const cache = new LeaderEpochCache([
      { epoch: 0, startOffset: 10 },
      { epoch: 2, startOffset: 13 },
      { epoch: 4, startOffset: 17 },
    ]);
    expect(cache.endOffsetFor(1, 30)).toEqual({ epoch: 0, startOffset: 13 });
    expect(cache.endOffsetFor(2, 30)).toEqual({ epoch: 2, startOffset: 17 });
    expect(cache.endOffsetFor(3, 30)).toEqual({ epoch: 2, startOffset: 17 });
    expect(cache.endOffsetFor(4, 30)).toEqual({ epoch: 4, startOffset: 30 });
    expect(cache.endOffsetFor(9, 30)).toEqual({ epoch: -1, startOffset: -1 });
    expect(new LeaderEpochCache([{ epoch: 5, startOffset: 11 }, { epoch: 6, startOffset: 12 }, { epoch: 7, startOffset: 13 }]).endOffsetFor(4, 20)).toEqual({ epoch: 4, startOffset: 11 });
    expect(new LeaderEpochCache().endOffsetFor(-1, 0)).toEqual({ epoch: -1, startOffset: -1 });
  });

  it('truncates from the end and from the start', () => {
    const cache = new LeaderEpochCache([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
      { epoch: 3, startOffset: 20 },
    ]);
    cache.truncateFromEnd(20);
    expect(cache.latestEpoch).toBe(2);
    cache.truncateFromStart(15);
    expect(cache.all).toEqual([{ epoch: 2, startOffset: 15 }]);
  });

  it('assigns a new leader epoch at the log end offset only when it is newer, replacing an unwritten one', async () => {
    const cache = new LeaderEpochCache([{ epoch: 1, startOffset: 0 }]);
    expect(await cache.assignLeaderEpoch(1, 5)).toBe(false);
    expect(await cache.assignLeaderEpoch(0, 5)).toBe(false);
    expect(await cache.assignLeaderEpoch(-1, 5)).toBe(false);
    expect(await cache.assignLeaderEpoch(3, 5)).toBe(true);
    expect(await cache.assignLeaderEpoch(4, 5)).toBe(true);
    expect(cache.all).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 4, startOffset: 5 },
    ]);
    expect(cache.endOffsetFor(3, 5)).toEqual({ epoch: 1, startOffset: 5 });
    expect(cache.truncateFromEnd(5)).toBe(true);
    expect(cache.latestEpoch).toBe(1);
  });

  it('leaves the cache unchanged when the checkpoint of a new leader epoch cannot be written', async () => {
    const cache = new LeaderEpochCache([{ epoch: 1, startOffset: 0 }]);
    await expect(cache.assignLeaderEpoch(2, 4, join(tmpdir(), 'samsa-no-such-dir', 'x', 'leader-epoch-checkpoint'))).rejects.toThrow();
    expect(cache.all).toEqual([{ epoch: 1, startOffset: 0 }]);
  });
});
