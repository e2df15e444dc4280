import { ErrorCode, controller } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { ensureInternalTopics } from './internal-topics.js';
import { createPartitions, deleteTopics } from './topic-handlers.js';
import { ControllerTestContext } from './__tests__/controller-test-context.js';
import { cases } from './__tests__/fixtures.js';

function deleteRequest(topics: Partial<controller.DeletableTopic>[]): controller.DeleteTopicsRequest {
  return controller.DeleteTopicsRequest.fromPartial({ topics });
}

function growRequest(topics: Partial<controller.CreatePartitionsTopic>[], validateOnly = false): controller.CreatePartitionsRequest {
  return controller.CreatePartitionsRequest.fromPartial({ topics, validateOnly });
}

describe('deleteTopics', () => {
  it('deletes by name, by id, or by both, filling in the other half', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const byName = ctx.createTopic('by-name', 1, 1).topicId;
    const byId = ctx.createTopic('by-id', 1, 1).topicId;
    const both = ctx.createTopic('both', 1, 1).topicId;
    const result = deleteTopics(ctx.image, deleteRequest([{ name: 'by-name' }, { topicId: byId }, { name: 'both', topicId: both }]), ctx.context());
    expect(result.response.topics).toEqual([
      { name: 'by-name', topicId: byName, errorCode: ErrorCode.NONE, errorMessage: '' },
      { name: 'by-id', topicId: byId, errorCode: ErrorCode.NONE, errorMessage: '' },
      { name: 'both', topicId: both, errorCode: ErrorCode.NONE, errorMessage: '' },
    ]);
    expect(cases(result.records)).toEqual(['topicDeleted', 'topicDeleted', 'topicDeleted']);
    ctx.replay(result.records);
    expect(ctx.image.topics()).toEqual([]);
    ctx.expectReplayConsistent();
  });

  it('answers unknown names and ids, mismatched pairs and duplicates per item', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const first = ctx.createTopic('first', 1, 1).topicId;
    ctx.createTopic('second', 1, 1);
    const result = deleteTopics(
      ctx.image,
      deleteRequest([{ name: 'missing' }, { topicId: 'no-such-id' }, { name: 'second', topicId: first }, { name: 'first' }, { topicId: first }, {}]),
      ctx.context(),
    );
    expect(result.response.topics.map((topic) => topic.errorCode)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.UNKNOWN_TOPIC_ID,
      ErrorCode.INCONSISTENT_TOPIC_ID,
      ErrorCode.DUPLICATE_RESOURCE,
      ErrorCode.DUPLICATE_RESOURCE,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    expect(result.records).toEqual([]);
  });

  it('refuses internal topics, and everything when deletion is disabled', () => {
    const ctx = new ControllerTestContext({ offsetsTopicPartitions: 2, transactionStateTopicPartitions: 2 });
    ctx.addBrokers(['a']);
    ctx.run((image, _request: null, context) => ensureInternalTopics(image, context), null);
    ctx.createTopic('user', 1, 1);
    const internal = deleteTopics(ctx.image, deleteRequest([{ name: '__consumer_offsets' }, { name: 'user' }]), ctx.context());
    expect(internal.response.topics.map((topic) => topic.errorCode)).toEqual([ErrorCode.INVALID_TOPIC_EXCEPTION, ErrorCode.NONE]);

    const disabled = new ControllerTestContext({ deleteTopicEnable: false });
    disabled.addBrokers(['a']);
    disabled.createTopic('user', 1, 1);
    const refused = deleteTopics(disabled.image, deleteRequest([{ name: 'user' }]), disabled.context());
    expect(refused).toEqual({ response: { topics: [expect.objectContaining({ errorCode: ErrorCode.TOPIC_DELETION_DISABLED })] }, records: [] });
  });

  it('lets a topic be recreated under the same name with a new id', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const old = ctx.createTopic('again', 1, 1).topicId;
    ctx.run(deleteTopics, deleteRequest([{ name: 'again' }]));
    const fresh = ctx.createTopic('again', 1, 1).topicId;
    expect(fresh).not.toBe(old);
    const stale = deleteTopics(ctx.image, deleteRequest([{ name: 'again', topicId: old }]), ctx.context());
    expect(stale.response.topics[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });
});

describe('createPartitions', () => {
  it('adds partitions with the topic RF, continuing the leader rotation', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    ctx.createTopic('grow', 2, 2);
    const result = createPartitions(ctx.image, growRequest([{ name: 'grow', count: 6 }]), ctx.context());
    expect(result.response.topics).toEqual([{ name: 'grow', errorCode: ErrorCode.NONE, errorMessage: '' }]);
    expect(cases(result.records)).toEqual(['partitionChanged', 'partitionChanged', 'partitionChanged', 'partitionChanged']);
    ctx.replay(result.records);
    const partitions = ctx.image.topic('grow')?.partitions ?? [];
    expect(partitions).toHaveLength(6);
    const leaders = partitions.map((state) => state.leaderId);
    expect([0, 1, 2].map((node) => leaders.filter((leader) => leader === node).length)).toEqual([2, 2, 2]);
    for (const state of partitions) expect(state).toMatchObject({ leaderEpoch: 0, partitionEpoch: 0, isr: state.replicas });
    expect(partitions.every((state) => state.replicas.length === 2)).toBe(true);
    ctx.expectReplayConsistent();
  });

  it('accepts explicit assignments for the new partitions only', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    ctx.createTopic('grow', 1, 2);
    const ok = ctx.run(createPartitions, growRequest([{ name: 'grow', count: 2, assignments: [{ partition: 1, replicas: [1, 0] }] }]));
    expect(ok.topics[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(ctx.partition('grow', 1)).toMatchObject({ replicas: [1, 0], leaderId: 1 });
    const bad = createPartitions(
      ctx.image,
      growRequest([
        { name: 'grow', count: 4, assignments: [{ partition: 2, replicas: [0, 1] }] },
      ]),
      ctx.context(),
    );
    expect(bad.response.topics[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    const wrongFactor = createPartitions(ctx.image, growRequest([{ name: 'grow', count: 3, assignments: [{ partition: 2, replicas: [0] }] }]), ctx.context());
    expect(wrongFactor.response.topics[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });

  it('never shrinks, never grows internal topics, and answers per item', () => {
    const ctx = new ControllerTestContext({ maxPartitionsPerTopic: 10, offsetsTopicPartitions: 2, transactionStateTopicPartitions: 2 });
    ctx.addBrokers(['a']);
    ctx.run((image, _request: null, context) => ensureInternalTopics(image, context), null);
    ctx.createTopic('t', 3, 1);
    const result = createPartitions(
      ctx.image,
      growRequest(
        [
          { name: 't', count: 3 },
          { name: '__consumer_offsets', count: 60 },
          { name: 'missing', count: 2 },
          { name: 'dup', count: 2 },
          { name: 'dup', count: 3 },
        ],
        true,
      ),
      ctx.context(),
    );
    expect(result.response.topics.map((topic) => topic.errorCode)).toEqual([
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.DUPLICATE_RESOURCE,
      ErrorCode.DUPLICATE_RESOURCE,
    ]);
    const tooMany = createPartitions(ctx.image, growRequest([{ name: 't', count: 11 }]), ctx.context());
    expect(tooMany.response.topics[0]?.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('needs enough active nodes for the topic RF, and writes nothing with validate_only', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    ctx.createTopic('t', 1, 2);
    const dry = createPartitions(ctx.image, growRequest([{ name: 't', count: 2 }], true), ctx.context());
    expect(dry).toEqual({ response: { topics: [expect.objectContaining({ errorCode: ErrorCode.NONE })] }, records: [] });
    ctx.fence(1);
    const short = createPartitions(ctx.image, growRequest([{ name: 't', count: 2 }]), ctx.context());
    expect(short.response.topics[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
  });
});
