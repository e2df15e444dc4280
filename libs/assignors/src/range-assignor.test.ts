import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asStrings, checkValid, member, partitionsPerTopic, randomGroup } from './__tests__/group-fixture.js';
import { RangeAssignor } from './range-assignor.js';

const range = new RangeAssignor();

describe('RangeAssignor: worked examples (kafka-facts.md §4.1, Kafka RangeAssignorTest)', () => {
  it('testMultipleConsumersMixedTopics: gives each topic its own consecutive ranges', () => {
    const members = [member('consumer1', ['topic1']), member('consumer2', ['topic1', 'topic2']), member('consumer3', ['topic1'])];
    expect(asStrings(range.assign(members, partitionsPerTopic({ topic1: 3, topic2: 2 })))).toEqual({
      consumer1: ['topic1-0'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-1'],
      consumer3: ['topic1-2'],
    });
  });

  it('testTwoConsumersTwoTopicsSixPartitions: gives the extra partition of each topic to the first member', () => {
    const members = [member('consumer1', ['topic1', 'topic2']), member('consumer2', ['topic1', 'topic2'])];
    expect(asStrings(range.assign(members, partitionsPerTopic({ topic1: 3, topic2: 3 })))).toEqual({
      consumer1: ['topic1-0', 'topic1-1', 'topic2-0', 'topic2-1'],
      consumer2: ['topic1-2', 'topic2-2'],
    });
  });

  it('testTwoStaticConsumersTwoTopicsSixPartitions: orders static members by instance id, not member id', () => {
    const members = [
      member('consumer-a', ['topic1', 'topic2'], { instanceId: 'instance2' }),
      member('consumer-b', ['topic1', 'topic2'], { instanceId: 'instance1' }),
    ];
    expect(asStrings(range.assign(members, partitionsPerTopic({ topic1: 3, topic2: 3 })))).toEqual({
      'consumer-a': ['topic1-2', 'topic2-2'],
      'consumer-b': ['topic1-0', 'topic1-1', 'topic2-0', 'topic2-1'],
    });
  });

  it('testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions: puts static members before dynamic ones', () => {
    const members = [member('consumer-a', ['topic1', 'topic2']), member('consumer-b', ['topic1', 'topic2'], { instanceId: 'instance1' })];
    expect(asStrings(range.assign(members, partitionsPerTopic({ topic1: 3, topic2: 3 })))).toEqual({
      'consumer-a': ['topic1-2', 'topic2-2'],
      'consumer-b': ['topic1-0', 'topic1-1', 'topic2-0', 'topic2-1'],
    });
  });

  it('testStaticMemberRangeAssignmentPersistent: a replaced dynamic member inherits the same ranges', () => {
    const topics = ['topic1', 'topic2'];
    const statics = [
      member('consumer1', topics, { instanceId: 'instance1' }),
      member('consumer2', topics, { instanceId: 'instance2' }),
      member('consumer3', topics, { instanceId: 'instance3' }),
    ];
    const partitions = partitionsPerTopic({ topic1: 5, topic2: 4 });
    const expectedStatic = {
      consumer1: ['topic1-0', 'topic1-1', 'topic2-0'],
      consumer2: ['topic1-2', 'topic2-1'],
      consumer3: ['topic1-3', 'topic2-2'],
    };
    expect(asStrings(range.assign([...statics, member('consumer4', topics)], partitions))).toEqual({
      ...expectedStatic,
      consumer4: ['topic1-4', 'topic2-3'],
    });
    expect(asStrings(range.assign([...statics, member('consumer5', topics)], partitions))).toEqual({
      ...expectedStatic,
      consumer5: ['topic1-4', 'topic2-3'],
    });
  });
});

describe('RangeAssignor: edge cases', () => {
  it('skips topics without metadata and still lists every member', () => {
    const members = [member('c1', ['known', 'unknown']), member('c2', ['unknown'])];
    expect(asStrings(range.assign(members, partitionsPerTopic({ known: 2 })))).toEqual({ c1: ['known-0', 'known-1'], c2: [] });
  });

  it('returns an empty assignment for an empty group', () => {
    expect(range.assign([], partitionsPerTopic({ t: 3 })).size).toBe(0);
  });

  it('rejects duplicate member ids', () => {
    expect(() => range.assign([member('c1', ['t']), member('c1', ['t'])], partitionsPerTopic({ t: 1 }))).toThrow(/duplicate member id/);
  });

  it('ignores a topic listed twice in one subscription', () => {
    expect(asStrings(range.assign([member('c1', ['t', 't']), member('c2', ['t'])], partitionsPerTopic({ t: 2 })))).toEqual({
      c1: ['t-0'],
      c2: ['t-1'],
    });
  });

  it('needs no user data', () => {
    expect(range.subscriptionUserData()).toBeNull();
    expect(range.name).toBe('range');
    expect(range.supportedProtocols).toEqual(['eager']);
  });
});

describe('RangeAssignor: properties', () => {
  it('assigns every subscribed partition exactly once, only to a subscriber', () => {
    fc.assert(
      fc.property(randomGroup({ equalSubscriptions: false }), ({ members, partitions }) => {
        checkValid(members, partitions, range.assign(members, partitions), true);
      }),
    );
  });

  it('gives each subscriber of a topic floor(P/C) or ceil(P/C) of its partitions', () => {
    fc.assert(
      fc.property(randomGroup({ equalSubscriptions: false }), ({ members, partitions }) => {
        const assignment = range.assign(members, partitions);
        for (const [topic, count] of partitions) {
          const subscribers = members.filter((m) => m.subscription.topics.includes(topic));
          for (const m of subscribers) {
            const mine = assignment.get(m.memberId)?.partitions.filter((p) => p.topic === topic).length ?? 0;
            expect(mine).toBeGreaterThanOrEqual(Math.floor(count / subscribers.length));
            expect(mine).toBeLessThanOrEqual(Math.ceil(count / subscribers.length));
          }
        }
      }),
    );
  });
});
