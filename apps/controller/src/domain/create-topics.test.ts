import { ErrorCode, controller, type ConfigEntry } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTopics } from './create-topics.js';
import { ControllerTestContext } from './__tests__/controller-test-context.js';
import { cases, changeReasons } from './__tests__/fixtures.js';

function request(topics: Partial<controller.CreatableTopic>[], validateOnly = false): controller.CreateTopicsRequest {
  return controller.CreateTopicsRequest.fromPartial({ topics, validateOnly });
}

function codes(response: controller.CreateTopicsResponse): ErrorCode[] {
  return response.topics.map((topic) => topic.errorCode);
}

function createWithConfigs(ctx: ControllerTestContext, configs: ConfigEntry[], replicationFactor = 1): controller.CreatableTopicResult {
  const result = createTopics(ctx.image, request([{ name: 'configured', numPartitions: 1, replicationFactor, configs }], true), ctx.context());
  return result.response.topics[0] as controller.CreatableTopicResult;
}

describe('createTopics', () => {
  it('writes the topic and its partitions; replay gives the state the response describes', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    const result = createTopics(ctx.image, request([{ name: 'orders', numPartitions: 3, replicationFactor: 2, configs: [{ name: 'retention.ms', value: '+60000' }] }]), ctx.context());
    const [topic] = result.response.topics;
    expect(topic).toMatchObject({ name: 'orders', errorCode: ErrorCode.NONE, errorMessage: '', numPartitions: 3, replicationFactor: 2 });
    expect(topic?.topicId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cases(result.records)).toEqual(['topicCreated', 'partitionChanged', 'partitionChanged', 'partitionChanged']);
    expect(changeReasons(result.records)).toEqual([1, 1, 1].map(() => controller.PartitionChangeReason.PARTITION_CHANGE_REASON_CREATED));
    ctx.replay(result.records);
    const view = ctx.image.topic('orders');
    expect(view?.topicId).toBe(topic?.topicId);
    expect([...(view?.configs ?? [])]).toEqual([['retention.ms', '60000']]);
    for (const state of view?.partitions ?? []) {
      expect(state.replicas).toHaveLength(2);
      expect(state).toMatchObject({ topicId: topic?.topicId, isr: state.replicas, leaderId: state.replicas[0], leaderEpoch: 0, partitionEpoch: 0 });
    }
    ctx.expectReplayConsistent();
  });

  it('takes num_partitions and replication_factor defaults for 0 and -1', () => {
    const ctx = new ControllerTestContext({ defaultNumPartitions: 4, defaultReplicationFactor: 2 });
    ctx.addBrokers(['a', 'b']);
    const response = ctx.run(createTopics, request([{ name: 'zero' }, { name: 'minus', numPartitions: -1, replicationFactor: -1 }]));
    expect(response.topics.map((topic) => [topic.numPartitions, topic.replicationFactor])).toEqual([[4, 2], [4, 2]]);
  });

  it('validates topic names', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const names = ['', '.', '..', 'x'.repeat(250), 'with space', 'ümlaut', 'slash/'];
    const response = createTopics(ctx.image, request(names.map((name) => ({ name }))), ctx.context()).response;
    expect(codes(response)).toEqual(names.map(() => ErrorCode.INVALID_TOPIC_EXCEPTION));
    expect(response.topics.every((topic) => topic.errorMessage !== '' && topic.numPartitions === -1 && topic.replicationFactor === -1)).toBe(true);
    expect(ctx.run(createTopics, request([{ name: 'x'.repeat(249) }, { name: 'a.B-c_9' }])).topics.map((t) => t.errorCode)).toEqual([0, 0]);
  });

  it('reserves the internal topic names', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const response = createTopics(ctx.image, request([{ name: '__consumer_offsets' }, { name: '__transaction_state' }]), ctx.context()).response;
    expect(codes(response)).toEqual([ErrorCode.INVALID_TOPIC_EXCEPTION, ErrorCode.INVALID_TOPIC_EXCEPTION]);
  });

  it('answers each item on its own: duplicates, existing topics and collisions fail, the rest succeed', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    ctx.createTopic('existing', 1, 1);
    ctx.createTopic('metrics.cpu', 1, 1);
    const result = createTopics(
      ctx.image,
      request([{ name: 'twice' }, { name: 'existing' }, { name: 'ok' }, { name: 'twice' }, { name: 'metrics_cpu' }, { name: 'a.b' }, { name: 'a_b' }]),
      ctx.context(),
    );
    expect(codes(result.response)).toEqual([
      ErrorCode.DUPLICATE_RESOURCE,
      ErrorCode.TOPIC_ALREADY_EXISTS,
      ErrorCode.NONE,
      ErrorCode.DUPLICATE_RESOURCE,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.NONE,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    ]);
    expect(cases(result.records).filter((name) => name === 'topicCreated')).toHaveLength(2);
  });

  it('validates partition counts and replication factors against the active nodes', () => {
    const ctx = new ControllerTestContext({ maxPartitionsPerTopic: 100 });
    ctx.addBrokers(['a', 'b']);
    ctx.registerBroker(2, 'c');
    const response = createTopics(
      ctx.image,
      request([
        { name: 'p1', numPartitions: -2 },
        { name: 'p2', numPartitions: 101 },
        { name: 'r1', replicationFactor: -2 },
        { name: 'r2', replicationFactor: 3 },
        { name: 'ok', numPartitions: 100, replicationFactor: 2 },
      ]),
      ctx.context(),
    ).response;
    expect(codes(response)).toEqual([
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.NONE,
    ]);
    expect(response.topics[3]?.errorMessage).toContain('2 active storage node');
  });

  it('accepts explicit assignments: leader = first active replica, ISR = replicas on active nodes', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b', 'c']);
    ctx.fence(0);
    const response = ctx.run(createTopics, request([{ name: 'placed', assignments: [{ partition: 1, replicas: [2, 1] }, { partition: 0, replicas: [0, 1] }] }]));
    expect(response.topics[0]).toMatchObject({ errorCode: ErrorCode.NONE, numPartitions: 2, replicationFactor: 2 });
    expect(ctx.partition('placed', 0)).toMatchObject({ replicas: [0, 1], isr: [1], leaderId: 1 });
    expect(ctx.partition('placed', 1)).toMatchObject({ replicas: [2, 1], isr: [2, 1], leaderId: 2 });
  });

  it('rejects bad explicit assignments with INVALID_REPLICA_ASSIGNMENT', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'b']);
    ctx.registerBroker(5);
    const bad: Partial<controller.CreatableTopic>[] = [
      { name: 'gap', assignments: [{ partition: 0, replicas: [0] }, { partition: 2, replicas: [1] }] },
      { name: 'repeat', assignments: [{ partition: 0, replicas: [0] }, { partition: 0, replicas: [1] }] },
      { name: 'sizes', assignments: [{ partition: 0, replicas: [0] }, { partition: 1, replicas: [0, 1] }] },
      { name: 'twice', assignments: [{ partition: 0, replicas: [1, 1] }] },
      { name: 'unknown', assignments: [{ partition: 0, replicas: [0, 9] }] },
      { name: 'all-fenced', assignments: [{ partition: 0, replicas: [5] }] },
      { name: 'empty', assignments: [{ partition: 0, replicas: [] }] },
      { name: 'both', numPartitions: 1, assignments: [{ partition: 0, replicas: [0] }] },
    ];
    const response = createTopics(ctx.image, request(bad), ctx.context()).response;
    expect(codes(response)).toEqual(bad.map(() => ErrorCode.INVALID_REPLICA_ASSIGNMENT));
  });

  it.each([
    ['retention.ms', '-1', true],
    ['retention.ms', '-2', false],
    ['retention.ms', '1.5', false],
    ['retention.bytes', '1099511627776', true],
    ['segment.bytes', '1024', true],
    ['segment.bytes', '1023', false],
    ['segment.bytes', '2147483648', false],
    ['segment.ms', '0', false],
    ['cleanup.policy', 'compact,delete', true],
    ['cleanup.policy', 'delete,compact', true],
    ['cleanup.policy', 'compacted', false],
    ['min.insync.replicas', '1', true],
    ['min.insync.replicas', '0', false],
    ['min.insync.replicas', '2', false],
    ['unclean.leader.election.enable', 'TRUE', true],
    ['unclean.leader.election.enable', 'yes', false],
    ['max.message.bytes', '0', true],
    ['max.message.bytes', 'big', false],
    ['message.timestamp.type', 'LogAppendTime', true],
    ['message.timestamp.type', 'logappendtime', false],
    ['compression.type', 'zstd', true],
    ['compression.type', 'brotli', false],
    ['no.such.key', '1', false],
  ])('config %s=%s valid: %s', (name, value, valid) => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const result = createWithConfigs(ctx, [{ name, value }]);
    expect(result.errorCode).toBe(valid ? ErrorCode.NONE : ErrorCode.INVALID_CONFIG);
    if (!valid) expect(result.errorMessage).toContain(name);
  });

  it('applies the Kafka 4.0 segment.bytes minimum by default, and refuses a key given twice', () => {
    const ctx = new ControllerTestContext({ minSegmentBytes: 1_048_576 });
    ctx.addBrokers(['a']);
    expect(createWithConfigs(ctx, [{ name: 'segment.bytes', value: '1048575' }]).errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(createWithConfigs(ctx, [{ name: 'segment.bytes', value: '1048576' }]).errorCode).toBe(ErrorCode.NONE);
    const twice = createWithConfigs(ctx, [{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }]);
    expect(twice).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: expect.stringContaining('twice') });
    expect(createWithConfigs(ctx, [{ name: 'retention.ms', value: undefined }]).errorCode).toBe(ErrorCode.NONE);
  });

  it('writes nothing with validate_only but reports what would be created', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a']);
    const result = createTopics(ctx.image, request([{ name: 'dry', numPartitions: 2 }], true), ctx.context());
    expect(result.records).toEqual([]);
    expect(result.response.topics[0]).toMatchObject({ errorCode: ErrorCode.NONE, topicId: '', numPartitions: 2, replicationFactor: 1 });
  });

  it('spreads replicas over racks and rotates the first leader between topics', () => {
    const ctx = new ControllerTestContext();
    ctx.addBrokers(['a', 'a', 'b', 'b', 'c', 'c']);
    ctx.createTopic('first', 1, 3);
    ctx.createTopic('second', 1, 3);
    const rackOf = (nodeId: number): string => ctx.image.broker(nodeId)?.registration.rack ?? '?';
    for (const name of ['first', 'second']) expect(new Set(ctx.partition(name, 0).replicas.map(rackOf)).size).toBe(3);
    expect(ctx.partition('first', 0).leaderId).not.toBe(ctx.partition('second', 0).leaderId);
  });

  it('balances each new topic: RF distinct replicas, leaders within 1, rack spread (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('r1', 'r2', 'r3', 'r4'), { minLength: 1, maxLength: 8 }),
        fc.array(fc.record({ partitions: fc.integer({ min: 1, max: 30 }), replicationFactor: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 4 }),
        (racks, topics) => {
          const ctx = new ControllerTestContext();
          const nodes = ctx.addBrokers(racks);
          const rackCount = new Set(racks).size;
          const specs = topics.map((topic, index) => ({ name: `t${index}`, numPartitions: topic.partitions, replicationFactor: Math.min(topic.replicationFactor, nodes.length) }));
          const response = ctx.run(createTopics, request(specs));
          expect(codes(response).every((code) => code === ErrorCode.NONE)).toBe(true);
          for (const spec of specs) {
            const leaders = new Map(nodes.map((id) => [id, 0]));
            for (const state of ctx.image.topic(spec.name)?.partitions ?? []) {
              expect(new Set(state.replicas).size).toBe(spec.replicationFactor);
              expect(new Set(state.replicas.map((id) => racks[id])).size).toBe(Math.min(spec.replicationFactor, rackCount));
              leaders.set(state.leaderId, (leaders.get(state.leaderId) ?? 0) + 1);
            }
            const counts = [...leaders.values()];
            expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
