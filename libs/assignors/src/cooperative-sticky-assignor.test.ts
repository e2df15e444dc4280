import { describe, expect, it } from 'vitest';
import { asStrings, checkValid, member, partitionsPerTopic, withOwned } from './__tests__/group-fixture.js';
import { CooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
import { encodeCooperativeStickyUserData } from './protocol/sticky-user-data.js';

const cooperative = new CooperativeStickyAssignor();
const T12 = ['topic1', 'topic2'];

describe('CooperativeStickyAssignor: worked examples (kafka-facts.md §4.3, Kafka CooperativeStickyAssignorTest)', () => {
  it('testTwoConsumersTwoTopicsSixPartitions: a fresh group is dealt round robin', () => {
    const members = [member('consumer1', T12), member('consumer2', T12)];
    expect(asStrings(cooperative.assign(members, partitionsPerTopic({ topic1: 3, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic1-2', 'topic2-1'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-2'],
    });
  });

  it('testConsumerOwningMinQuotaExpectedMaxQuota: nothing moves, so nothing is withheld', () => {
    const members = [
      member('consumer1', T12, { owned: ['topic1-0', 'topic2-1'], generation: 1 }),
      member('consumer2', T12, { owned: ['topic1-1', 'topic2-2'], generation: 1 }),
    ];
    expect(asStrings(cooperative.assign(members, partitionsPerTopic({ topic1: 2, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic2-1', 'topic2-0'],
      consumer2: ['topic1-1', 'topic2-2'],
    });
  });

  it('testAllConsumersAreUnderMinQuota: unowned partitions are handed out at once', () => {
    const members = [
      member('consumer1', T12, { owned: ['topic1-0'], generation: 1 }),
      member('consumer2', T12, { owned: ['topic1-1'], generation: 1 }),
      member('consumer3', T12),
    ];
    expect(asStrings(cooperative.assign(members, partitionsPerTopic({ topic1: 2, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic2-1'],
      consumer2: ['topic1-1', 'topic2-2'],
      consumer3: ['topic2-0'],
    });
  });

  it('testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: the moving partition is revoked first, given next round', () => {
    const partitions = partitionsPerTopic({ topic1: 2, topic2: 2 });
    const members = [
      member('consumer1', T12, { owned: ['topic1-0', 'topic2-0'], generation: 1 }),
      member('consumer2', T12, { owned: ['topic1-1', 'topic2-1'], generation: 1 }),
      member('consumer3', T12),
    ];
    const first = cooperative.assign(members, partitions);
    expect(asStrings(first)).toEqual({ consumer1: ['topic1-0', 'topic2-0'], consumer2: ['topic1-1'], consumer3: [] });
    const second = cooperative.assign(withOwned(members, first, 2), partitions);
    expect(asStrings(second)).toEqual({ consumer1: ['topic1-0', 'topic2-0'], consumer2: ['topic1-1'], consumer3: ['topic2-1'] });
  });

  it('testAddRemoveConsumerOneTopic: a joiner waits one round for the revoked partition; a leaver hands over at once', () => {
    const partitions = partitionsPerTopic({ topic: 3 });
    const alone = cooperative.assign([member('consumer1', ['topic'])], partitions);
    expect(asStrings(alone)).toEqual({ consumer1: ['topic-0', 'topic-1', 'topic-2'] });

    const joined = [member('consumer1', ['topic'], { owned: ['topic-0', 'topic-1', 'topic-2'], generation: 1 }), member('consumer2', ['topic'])];
    const revokeRound = cooperative.assign(joined, partitions);
    expect(asStrings(revokeRound)).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: [] });
    const followUp = cooperative.assign(withOwned(joined, revokeRound, 2), partitions);
    expect(asStrings(followUp)).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: ['topic-2'] });

    const left = cooperative.assign([member('consumer2', ['topic'], { owned: ['topic-2'], generation: 3 })], partitions);
    expect(asStrings(left)).toEqual({ consumer2: ['topic-2', 'topic-0', 'topic-1'] });
  });

  it('…ClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer: the contested partition waits a round', () => {
    const members = [
      member('consumer1', ['topic'], { owned: ['topic-0', 'topic-1'], generation: 1 }),
      member('consumer2', ['topic'], { owned: ['topic-0', 'topic-2'], generation: 1 }),
      member('consumer3', ['topic'], { generation: 1 }),
    ];
    expect(asStrings(cooperative.assign(members, partitionsPerTopic({ topic: 3 })))).toEqual({
      consumer1: ['topic-1'],
      consumer2: ['topic-2'],
      consumer3: [],
    });
  });

  it('…ClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer: only the contested partition waits', () => {
    const members = [
      member('consumer1', ['topic'], { owned: ['topic-0', 'topic-1'], generation: 1 }),
      member('consumer2', ['topic'], { owned: ['topic-0', 'topic-2'], generation: 1 }),
      member('consumer3', ['topic'], { generation: 1 }),
    ];
    expect(asStrings(cooperative.assign(members, partitionsPerTopic({ topic: 4 })))).toEqual({
      consumer1: ['topic-1', 'topic-3'],
      consumer2: ['topic-2'],
      consumer3: [],
    });
  });
});

describe('CooperativeStickyAssignor: generations and revocation', () => {
  const partitions = partitionsPerTopic({ t: 2 });

  it('lets the higher generation keep a partition also claimed by a stale member', () => {
    const members = [member('a', ['t'], { owned: ['t-0'], generation: 1 }), member('b', ['t'], { owned: ['t-0'], generation: 2 })];
    expect(asStrings(cooperative.assign(members, partitions))).toEqual({ a: ['t-1'], b: ['t-0'] });
  });

  it('withholds a partition moving away from its valid owner even to a stale claimant of it', () => {
    // b (generation 5) validly owns both; a still lists t-1 from generation 4. Balance moves one to a.
    const members = [member('a', ['t'], { owned: ['t-1'], generation: 4 }), member('b', ['t'], { owned: ['t-0', 't-1'], generation: 5 })];
    const first = cooperative.assign(members, partitions);
    expect(asStrings(first)).toEqual({ a: [], b: ['t-0'] });
  });

  it('withholds a partition whose owner unsubscribed from its topic until the owner revoked it', () => {
    const members = [member('a', ['u'], { owned: ['t-0', 't-1'], generation: 2 }), member('b', ['t'], { generation: 2 })];
    const first = cooperative.assign(members, partitionsPerTopic({ t: 2, u: 1 }));
    expect(asStrings(first)).toEqual({ a: ['u-0'], b: [] });
    const second = cooperative.assign(withOwned(members, first, 3), partitionsPerTopic({ t: 2, u: 1 }));
    expect(asStrings(second)).toEqual({ a: ['u-0'], b: ['t-0', 't-1'] });
  });

  it('reads the generation from user data when the subscription carries none', () => {
    const members = [
      member('a', ['t'], { owned: ['t-0'], userData: encodeCooperativeStickyUserData(7) }),
      member('b', ['t'], { owned: ['t-0'], userData: encodeCooperativeStickyUserData(6) }),
    ];
    expect(asStrings(cooperative.assign(members, partitions))).toEqual({ a: ['t-0'], b: ['t-1'] });
  });

  it('treats undecodable user data as generation −1', () => {
    const members = [member('a', ['t'], { owned: ['t-0'], userData: Uint8Array.of(1) }), member('b', ['t'], { owned: ['t-0'], generation: 0 })];
    expect(asStrings(cooperative.assign(members, partitions))).toEqual({ a: ['t-1'], b: ['t-0'] });
  });

  it('hands out everything once nobody claims anything', () => {
    const members = [member('a', ['t']), member('b', ['t'])];
    checkValid(members, partitions, cooperative.assign(members, partitions), true);
  });
});

describe('CooperativeStickyAssignor: user data', () => {
  it('always sends its generation as an int32 for older members', () => {
    expect(cooperative.subscriptionUserData({ topics: ['t'], currentAssignment: [], generationId: -1 })).toEqual(Uint8Array.of(255, 255, 255, 255));
    expect(cooperative.subscriptionUserData({ topics: ['t'], currentAssignment: [], generationId: 258 })).toEqual(Uint8Array.of(0, 0, 1, 2));
  });

  it('prefers the cooperative protocol and also supports eager', () => {
    expect(cooperative.name).toBe('cooperative-sticky');
    expect(cooperative.supportedProtocols).toEqual(['cooperative', 'eager']);
  });
});
