import { describe, expect, it } from 'vitest';
import { member, partitionsPerTopic } from '../__tests__/group-fixture.js';
import { GroupIndex } from './group-index.js';

describe('GroupIndex', () => {
  const index = new GroupIndex(
    [member('m2', ['b', 'a', 'nometa']), member('m1', ['a'])],
    partitionsPerTopic({ a: 2, b: 3, unsubscribed: 4 }),
  );

  it('numbers partitions by topic name, then partition', () => {
    expect(index.topics).toEqual(['a', 'b']);
    expect(index.partitionCount).toBe(5);
    expect([0, 1, 2, 3, 4].map((g) => index.topicPartition(g))).toEqual([
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 1 },
      { topic: 'b', partition: 0 },
      { topic: 'b', partition: 1 },
      { topic: 'b', partition: 2 },
    ]);
    expect(index.globalId('b', 2)).toBe(4);
  });

  it('returns −1 for partitions out of range, unknown or unsubscribed topics', () => {
    expect(index.globalId('a', 2)).toBe(-1);
    expect(index.globalId('a', -1)).toBe(-1);
    expect(index.globalId('nometa', 0)).toBe(-1);
    expect(index.globalId('unsubscribed', 0)).toBe(-1);
  });

  it('sorts members by id and records who subscribes to what', () => {
    expect(index.members.map((m) => m.memberId)).toEqual(['m1', 'm2']);
    expect([...(index.topicMembers[1] ?? [])]).toEqual([1]);
    expect(index.subscribes(0, 1)).toBe(false);
    expect(index.subscribes(1, 1)).toBe(true);
    expect(index.subscriptionsEqual).toBe(false);
  });

  it('treats subscriptions as equal when they differ only in topics without metadata', () => {
    const equal = new GroupIndex([member('m1', ['a', 'gone']), member('m2', ['a'])], partitionsPerTopic({ a: 1 }));
    expect(equal.subscriptionsEqual).toBe(true);
  });
});
