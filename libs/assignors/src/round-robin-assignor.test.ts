import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asStrings, checkValid, counts, member, partitionsPerTopic, randomGroup } from './__tests__/group-fixture.js';
import { RoundRobinAssignor } from './round-robin-assignor.js';

const roundRobin = new RoundRobinAssignor();

describe('RoundRobinAssignor: worked examples (kafka-facts.md §4.2, Kafka RoundRobinAssignorTest)', () => {
  it('testMultipleConsumersMixedTopics: skips members not subscribed to the topic', () => {
    const members = [member('consumer1', ['topic1']), member('consumer2', ['topic1', 'topic2']), member('consumer3', ['topic1'])];
    expect(asStrings(roundRobin.assign(members, partitionsPerTopic({ topic1: 3, topic2: 2 })))).toEqual({
      consumer1: ['topic1-0'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-1'],
      consumer3: ['topic1-2'],
    });
  });

  it('testTwoDynamicConsumersTwoTopicsSixPartitions: deals partitions alternately', () => {
    const members = [member('consumer1', ['topic1', 'topic2']), member('consumer2', ['topic1', 'topic2'])];
    expect(asStrings(roundRobin.assign(members, partitionsPerTopic({ topic1: 3, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic1-2', 'topic2-1'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-2'],
    });
  });

  it('testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions: deals to the static member first', () => {
    const members = [member('consumer-a', ['topic1', 'topic2']), member('consumer-b', ['topic1', 'topic2'], { instanceId: 'instance1' })];
    expect(asStrings(roundRobin.assign(members, partitionsPerTopic({ topic1: 3, topic2: 3 })))).toEqual({
      'consumer-a': ['topic1-1', 'topic2-0', 'topic2-2'],
      'consumer-b': ['topic1-0', 'topic1-2', 'topic2-1'],
    });
  });

  it('testStaticMemberRoundRobinAssignmentPersistent: static members first, then the dynamic one', () => {
    const topics = ['topic1', 'topic2'];
    const members = [
      member('consumer1', topics, { instanceId: 'instance1' }),
      member('consumer2', topics, { instanceId: 'instance2' }),
      member('consumer3', topics, { instanceId: 'instance3' }),
      member('consumer4', topics),
    ];
    expect(asStrings(roundRobin.assign(members, partitionsPerTopic({ topic1: 3, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic2-1'],
      consumer2: ['topic1-1', 'topic2-2'],
      consumer3: ['topic1-2'],
      consumer4: ['topic2-0'],
    });
  });

  it('Javadoc example: C0→{t0}, C1→{t0,t1}, C2→{t0,t1,t2} over t0(1), t1(2), t2(3)', () => {
    const members = [member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])];
    expect(asStrings(roundRobin.assign(members, partitionsPerTopic({ t0: 1, t1: 2, t2: 3 })))).toEqual({
      C0: ['t0-0'],
      C1: ['t1-0'],
      C2: ['t1-1', 't2-0', 't2-1', 't2-2'],
    });
  });
});

describe('RoundRobinAssignor: edge cases', () => {
  it('skips topics without metadata and lists every member', () => {
    const members = [member('c1', ['gone']), member('c2', ['t'])];
    expect(asStrings(roundRobin.assign(members, partitionsPerTopic({ t: 2 })))).toEqual({ c1: [], c2: ['t-0', 't-1'] });
  });

  it('returns the members in input order', () => {
    const members = [member('zed', ['t']), member('amy', ['t'])];
    expect([...roundRobin.assign(members, partitionsPerTopic({ t: 2 })).keys()]).toEqual(['zed', 'amy']);
  });
});

describe('RoundRobinAssignor: properties', () => {
  it('assigns every subscribed partition exactly once, only to a subscriber', () => {
    fc.assert(
      fc.property(randomGroup({ equalSubscriptions: false }), ({ members, partitions }) => {
        checkValid(members, partitions, roundRobin.assign(members, partitions), true);
      }),
    );
  });

  it('is balanced (max − min ≤ 1) when subscriptions are equal', () => {
    fc.assert(
      fc.property(randomGroup({ equalSubscriptions: true }), ({ members, partitions }) => {
        const perMember = counts(roundRobin.assign(members, partitions));
        expect(Math.max(...perMember) - Math.min(...perMember)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
