import { controller } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { collisionKey, coordinatorKindOfTopic, coordinatorShardOf, javaStringHash, shardTopicOf, topicNameProblem } from './topic-names.js';

describe('topic names', () => {
  it('accepts 1..249 characters of [a-zA-Z0-9._-] except "." and ".."', () => {
    for (const name of ['a', 'A.b_c-9', '...', 'x'.repeat(249)]) expect(topicNameProblem(name)).toBeUndefined();
    for (const name of ['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'é', 'a:b']) expect(topicNameProblem(name)).toBeDefined();
  });

  it("makes names that differ only by '.' and '_' collide", () => {
    expect(collisionKey('a.b_c')).toBe(collisionKey('a_b.c'));
    expect(collisionKey('a.b')).not.toBe(collisionKey('a-b'));
  });

  it('maps coordinator kinds to their internal topics and back', () => {
    expect(shardTopicOf(controller.CoordinatorKind.COORDINATOR_KIND_GROUP)).toBe('__consumer_offsets');
    expect(shardTopicOf(controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION)).toBe('__transaction_state');
    expect(coordinatorKindOfTopic('__transaction_state')).toBe(controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION);
    expect(coordinatorKindOfTopic('orders')).toBeUndefined();
    expect(() => shardTopicOf(controller.CoordinatorKind.COORDINATOR_KIND_UNSPECIFIED)).toThrow();
  });
});

describe('coordinatorShardOf', () => {
  it.each([
    ['', 0, 0],
    ['a', 97, 47],
    ['my-group', -1906497762, 12],
    ['test-group', 627841412, 12],
    ['group-1', 293427299, 49],
    ['orders-app', 772757305, 5],
    ['consumer1', -421004549, 49],
    ['polygenelubricants', -2147483648, 0],
    ['\u00fc', 252, 2],
    ['\u{1F600}', 1772899, 49],
  ])('%j hashes to %i and lands on shard %i of 50 (kafka-facts §9.1)', (key, hash, shard) => {
    expect(javaStringHash(key)).toBe(hash);
    expect(coordinatorShardOf(key, 50)).toBe(shard);
  });
});
