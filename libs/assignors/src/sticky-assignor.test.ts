import { describe, expect, it } from 'vitest';
import { asStrings, checkValid, counts, member, partitionsPerTopic, tps } from './__tests__/group-fixture.js';
import { encodeStickyUserData } from './protocol/sticky-user-data.js';
import { StickyAssignor } from './sticky-assignor.js';
import type { GroupMember } from './types.js';

const sticky = new StickyAssignor();

/** An eager sticky member: owned partitions travel in the user data, as a Java client sends them. */
function eagerMember(memberId: string, topics: string[], previous: string[] = [], generation = 1): GroupMember {
  const userData = previous.length > 0 ? encodeStickyUserData({ previousAssignment: tps(...previous), generation }) : undefined;
  return member(memberId, topics, userData === undefined ? {} : { userData });
}

const T12 = ['topic1', 'topic2'];

describe('StickyAssignor: worked examples (kafka-facts.md §4.3, Kafka AbstractStickyAssignorTest)', () => {
  it('testTwoConsumersTwoTopicsSixPartitions: a fresh group is dealt round robin in (topic, partition) order', () => {
    const members = [eagerMember('consumer1', T12), eagerMember('consumer2', T12)];
    expect(asStrings(sticky.assign(members, partitionsPerTopic({ topic1: 3, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic1-2', 'topic2-1'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-2'],
    });
  });

  it('testConsumerOwningMinQuotaExpectedMaxQuota: the spare partition goes to the first member at minQuota', () => {
    const members = [eagerMember('consumer1', T12, ['topic1-0', 'topic2-1']), eagerMember('consumer2', T12, ['topic1-1', 'topic2-2'])];
    expect(asStrings(sticky.assign(members, partitionsPerTopic({ topic1: 2, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic2-1', 'topic2-0'],
      consumer2: ['topic1-1', 'topic2-2'],
    });
  });

  it('testAllConsumersAreUnderMinQuota: fills the member under quota first, then the members at quota', () => {
    const members = [eagerMember('consumer1', T12, ['topic1-0']), eagerMember('consumer2', T12, ['topic1-1']), eagerMember('consumer3', T12)];
    expect(asStrings(sticky.assign(members, partitionsPerTopic({ topic1: 2, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic2-1'],
      consumer2: ['topic1-1', 'topic2-2'],
      consumer3: ['topic2-0'],
    });
  });

  it('testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: balanced and sticky (sorted member order)', () => {
    const members = [
      eagerMember('consumer1', T12, ['topic1-0', 'topic2-0']),
      eagerMember('consumer2', T12, ['topic1-1', 'topic2-1']),
      eagerMember('consumer3', T12),
    ];
    const partitions = partitionsPerTopic({ topic1: 2, topic2: 2 });
    const assignment = sticky.assign(members, partitions);
    checkValid(members, partitions, assignment, true);
    expect(counts(assignment).sort()).toEqual([1, 1, 2]);
    // Stickiness: exactly one partition moves, and it goes to the new member.
    const result = asStrings(assignment);
    const kept = [...(result['consumer1'] ?? []), ...(result['consumer2'] ?? [])];
    expect(kept.filter((p) => ['topic1-0', 'topic2-0', 'topic1-1', 'topic2-1'].includes(p))).toHaveLength(3);
    // Samsa visits members in member-id order, so consumer1 keeps its maxQuota (spec's "equally valid" split).
    expect(result).toEqual({ consumer1: ['topic1-0', 'topic2-0'], consumer2: ['topic1-1'], consumer3: ['topic2-1'] });
  });

  it('testAddRemoveConsumerOneTopic: one member takes all, a joiner takes one, a leaver hands over', () => {
    const partitions = partitionsPerTopic({ topic: 3 });
    const first = sticky.assign([eagerMember('consumer1', ['topic'])], partitions);
    expect(asStrings(first)).toEqual({ consumer1: ['topic-0', 'topic-1', 'topic-2'] });

    const second = sticky.assign([eagerMember('consumer1', ['topic'], ['topic-0', 'topic-1', 'topic-2'], 1), eagerMember('consumer2', ['topic'])], partitions);
    expect(asStrings(second)).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: ['topic-2'] });

    const third = sticky.assign([eagerMember('consumer2', ['topic'], ['topic-2'], 2)], partitions);
    expect(asStrings(third)).toEqual({ consumer2: ['topic-2', 'topic-0', 'topic-1'] });
  });
});

describe('StickyAssignor: owned partitions and generations', () => {
  const partitions = partitionsPerTopic({ t: 4 });

  it('gives a partition claimed in two generations to the claimant with the higher generation', () => {
    const members = [eagerMember('a', ['t'], ['t-0', 't-1'], 3), eagerMember('b', ['t'], ['t-1', 't-2'], 4)];
    expect(asStrings(sticky.assign(members, partitions))).toEqual({ a: ['t-0', 't-3'], b: ['t-1', 't-2'] });
  });

  it('still honours an older-generation claim nobody else makes', () => {
    const members = [eagerMember('a', ['t'], ['t-2', 't-3'], 1), eagerMember('b', ['t'], ['t-0'], 5)];
    expect(asStrings(sticky.assign(members, partitions))).toEqual({ a: ['t-2', 't-3'], b: ['t-0', 't-1'] });
  });

  it('treats a partition claimed twice in the same generation as unowned', () => {
    const members = [eagerMember('a', ['t'], ['t-0', 't-1'], 2), eagerMember('b', ['t'], ['t-1', 't-2', 't-3'], 2)];
    // t-1 is contested: a keeps t-0, b keeps two of t-2, t-3 … and t-1 is dealt like a new partition.
    const result = asStrings(sticky.assign(members, partitions));
    expect(result).toEqual({ a: ['t-0', 't-1'], b: ['t-2', 't-3'] });
  });

  it('drops claims on topics the member no longer subscribes to', () => {
    const members = [eagerMember('a', ['u'], ['t-0', 't-1'], 2), eagerMember('b', ['t'])];
    const result = sticky.assign(members, partitionsPerTopic({ t: 2, u: 1 }));
    expect(asStrings(result)).toEqual({ a: ['u-0'], b: ['t-0', 't-1'] });
  });

  it('ignores claims on partitions or topics that no longer exist', () => {
    const members = [eagerMember('a', ['t'], ['t-0', 't-9', 'gone-0'], 2), eagerMember('b', ['t'])];
    expect(asStrings(sticky.assign(members, partitionsPerTopic({ t: 2 })))).toEqual({ a: ['t-0'], b: ['t-1'] });
  });

  it('reads claims from version 0 user data (no generation) as generation −1', () => {
    const v1 = encodeStickyUserData({ previousAssignment: tps('t-0'), generation: 7 });
    const v0 = v1.slice(0, v1.length - 4);
    const members = [member('a', ['t'], { userData: v0 }), member('b', ['t'], { userData: encodeStickyUserData({ previousAssignment: tps('t-0'), generation: 0 }) })];
    // b's generation 0 beats a's missing generation (−1).
    expect(asStrings(sticky.assign(members, partitionsPerTopic({ t: 2 })))).toEqual({ a: ['t-1'], b: ['t-0'] });
  });

  it('ignores user data it cannot decode', () => {
    const members = [member('a', ['t'], { userData: Uint8Array.of(0, 0, 0, 9) }), member('b', ['t'])];
    checkValid(members, partitionsPerTopic({ t: 3 }), sticky.assign(members, partitionsPerTopic({ t: 3 })), true);
  });

  it('falls back to ownedPartitions and generationId when there is no user data', () => {
    const members = [member('a', ['t'], { owned: ['t-1'], generation: 3 }), member('b', ['t'])];
    expect(asStrings(sticky.assign(members, partitionsPerTopic({ t: 2 })))).toEqual({ a: ['t-1'], b: ['t-0'] });
  });
});

describe('StickyAssignor: unequal subscriptions', () => {
  it('moves partitions from a loaded member to a subscriber with at least two fewer, for balance', () => {
    // a owns everything; joiner b can take only u's partitions: a keeps t1, b gets u.
    const members = [eagerMember('a', ['t1', 'u'], ['t1-0', 't1-1', 'u-0', 'u-1'], 1), eagerMember('b', ['u'])];
    expect(asStrings(sticky.assign(members, partitionsPerTopic({ t1: 2, u: 2 })))).toEqual({ a: ['t1-0', 't1-1'], b: ['u-0', 'u-1'] });
  });

  it('balances through a chain: x gives to y so that y can give to z', () => {
    // x: topics {p}, y: {p, q}, z: {q}. x holds 3 of p, y holds q-0, q-1, nothing for z.
    const members = [
      eagerMember('x', ['p'], ['p-0', 'p-1', 'p-2'], 1),
      eagerMember('y', ['p', 'q'], ['q-0', 'q-1'], 1),
      eagerMember('z', ['q']),
    ];
    const partitions = partitionsPerTopic({ p: 3, q: 2 });
    const assignment = sticky.assign(members, partitions);
    checkValid(members, partitions, assignment, true);
    expect(counts(assignment)).toEqual([2, 2, 1]);
  });

  it('puts balance before stickiness: a remaining member may lose a partition when another leaves', () => {
    // Before: a0 {beta, gamma} has beta-0, h1 and o2 {gamma} have one gamma each, v3 {beta} nothing.
    const partitions = partitionsPerTopic({ beta: 1, gamma: 2 });
    const members = [
      eagerMember('a0', ['beta', 'gamma'], ['beta-0']),
      eagerMember('h1', ['gamma'], ['gamma-0']),
      eagerMember('o2', ['gamma'], ['gamma-1']),
      eagerMember('v3', ['beta']),
    ];
    // h1 leaves: keeping beta-0 on a0 would leave 1/2/0 at best; 1/1/1 needs beta-0 to move to v3.
    const after = sticky.assign(members.filter((m) => m.memberId !== 'h1'), partitions);
    expect(asStrings(after)).toEqual({ a0: ['gamma-0'], o2: ['gamma-1'], v3: ['beta-0'] });
  });

  it('gives each topic to its only subscriber even when that unbalances the group', () => {
    const members = [eagerMember('a', ['big']), eagerMember('b', ['small'])];
    expect(counts(sticky.assign(members, partitionsPerTopic({ big: 6, small: 1 })))).toEqual([6, 1]);
  });
});

describe('StickyAssignor: user data', () => {
  it('sends no user data before the first assignment', () => {
    expect(sticky.subscriptionUserData({ topics: ['t'], currentAssignment: [], generationId: -1 })).toBeNull();
  });

  it('sends its current assignment and generation after one', () => {
    const userData = sticky.subscriptionUserData({ topics: ['t'], currentAssignment: tps('t-0', 't-2'), generationId: 4 });
    expect(userData).toEqual(encodeStickyUserData({ previousAssignment: tps('t-0', 't-2'), generation: 4 }));
  });

  it('is eager only and named sticky', () => {
    expect(sticky.name).toBe('sticky');
    expect(sticky.supportedProtocols).toEqual(['eager']);
  });
});
