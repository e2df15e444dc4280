/**
 * Admin against a real 3-node cluster (controller + storage nodes as child processes started from
 * the built apps). Each test uses its own topic names. The last two tests restart and kill nodes, so
 * they run last; tests in this file run one after another.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { isSamsaError } from '@samsa/common';
import { ErrorCode, storage } from '@samsa/proto';
import { buildRecordBatch } from '@samsa/records';
import { startCluster, type TestCluster } from '@samsa/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, AdminBatchError, isAdminBatchError, type TopicInfo } from '../index.js';
import { unary } from '../connection/grpc-call.js';

const NODE_ARGS = ['--replica-lag-time-max-ms', '3000', '--replica-fetch-wait-max-ms', '200'];

let cluster: TestCluster;
let admin: Admin;
const rawClients: grpc.Client[] = [];

const topicName = (what: string): string => `admin-${what}-${randomUUID().slice(0, 8)}`;

/** Polls `check` until it returns a value other than undefined (bounded). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<AdminBatchError<Record<string, unknown>, unknown>> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isSamsaError(outcome)) throw new Error(`expected a SamsaError rejection, got ${String(outcome)}`);
  return outcome as AdminBatchError<Record<string, unknown>, unknown>;
}

async function describeOne(topic: string): Promise<TopicInfo> {
  const [info] = await admin.describeTopics([topic]);
  return info as TopicInfo;
}

/** Appends `count` records stamped `timestamp` to a partition, through its leader (acks=all). */
async function produce(topic: string, partition: number, count: number, timestamp: number): Promise<number> {
  const leaderId = (await describeOne(topic)).partitions[partition]?.leaderId ?? -1;
  const client = new storage.StorageServiceClient(cluster.node(leaderId).address, grpc.credentials.createInsecure());
  rawClients.push(client);
  const records = buildRecordBatch(Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp })));
  const response = await unary(client, client.produce, storage.ProduceRequest.fromPartial({ acks: -1, timeoutMs: 10_000, topics: [{ topic, partitions: [{ partition, records }] }] }), 15_000);
  const result = response.topics[0]?.partitions[0];
  expect(result?.errorCode).toBe(ErrorCode.NONE);
  return result?.baseOffset ?? -1;
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, nodeArgs: () => NODE_ARGS });
  admin = new Admin({ bootstrapServers: [...cluster.nodes.values()].map((node) => node.address), clientId: 'admin-test', requestTimeoutMs: 20_000 });
  // Every node active and the internal topics in place, so replication factor 3 and listTopics are deterministic.
  await eventually('three active nodes', async () => {
    const description = await admin.describeCluster();
    return description.nodes.filter((node) => !node.fenced).length === 3 ? true : undefined;
  });
  await eventually('internal topics', async () => ((await admin.listTopics({ includeInternal: true })).includes('__consumer_offsets') ? true : undefined));
}, 60_000);

afterAll(async () => {
  await admin?.close();
  for (const client of rawClients) client.close();
  await cluster?.close();
});

describe('Admin topics', () => {
  it('creates a topic whose partitions have serving leaders at once, then describes and lists it', async () => {
    const topic = topicName('create');
    const [created] = await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 2, configs: { 'retention.ms': '3600000' } }]);
    expect(created).toMatchObject({ topic, numPartitions: 3, replicationFactor: 2 });
    expect(created?.topicId).toMatch(/^[0-9a-f-]{36}$/);

    // No polling: waitForLeaders means every leader already answers.
    const latest = await admin.listOffsets([0, 1, 2].map((partition) => ({ topic, partition, spec: 'latest' as const })));
    expect(latest.map((result) => [result.partition, result.offset])).toEqual([[0, 0], [1, 0], [2, 0]]);

    const info = await describeOne(topic);
    expect(info).toMatchObject({ name: topic, topicId: created?.topicId, isInternal: false });
    expect(info.partitions).toHaveLength(3);
    for (const partition of info.partitions) {
      expect(partition.replicas).toHaveLength(2);
      expect(partition.replicas).toContain(partition.leaderId);
      expect([...partition.isr].sort()).toEqual([...partition.replicas].sort());
      expect(partition.leaderEpoch).toBeGreaterThanOrEqual(0);
      expect(partition.offlineReplicas).toEqual([]);
    }

    const names = await admin.listTopics();
    expect(names).toContain(topic);
    expect(names).not.toContain('__consumer_offsets');
    expect(await admin.listTopics({ includeInternal: true })).toEqual(expect.arrayContaining([topic, '__consumer_offsets']));
  });

  it('creates nothing with validateOnly', async () => {
    const topic = topicName('validate');
    const [result] = await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 3 }], { validateOnly: true });
    expect(result).toEqual({ topic, topicId: '', numPartitions: 2, replicationFactor: 3 });
    expect((await rejectionOf(admin.describeTopics([topic]))).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    // Creating it for real still works: the dry run left nothing behind.
    await expect(admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 3 }])).resolves.toHaveLength(1);
  });

  it('deletes a topic, and rejects deleting it again as unknown', async () => {
    const topic = topicName('delete');
    const [created] = await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    await expect(admin.deleteTopics([topic])).resolves.toEqual([{ topic, topicId: created?.topicId }]);
    await eventually('the topic leaves the metadata', async () => (!(await admin.listTopics()).includes(topic) ? true : undefined));
    const error = await rejectionOf(admin.deleteTopics([topic]));
    expect(error.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(error.message).toContain(topic);
  });

  it('raises the partition count and refuses to lower it', async () => {
    const topic = topicName('grow');
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 2 }]);
    await expect(admin.createPartitions({ [topic]: 3 })).resolves.toEqual([{ topic, totalCount: 3 }]);
    const info = await describeOne(topic);
    expect(info.partitions.map((partition) => partition.partition)).toEqual([0, 1, 2]);
    expect(info.partitions.every((partition) => partition.leaderId >= 0 && partition.replicas.length === 2)).toBe(true);

    const error = await rejectionOf(admin.createPartitions({ [topic]: 2 }));
    expect(error.code).toBe(ErrorCode.INVALID_PARTITIONS);
    expect(error.message).toContain(`topic ${topic}`);
    expect((await describeOne(topic)).partitions).toHaveLength(3);
  });
});

describe('Admin errors', () => {
  it('rejects a replication factor above the node count, typed and naming the topic, creating nothing', async () => {
    const topic = topicName('rf');
    const error = await rejectionOf(admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 5 }]));
    expect(isAdminBatchError(error)).toBe(true);
    expect(error.code).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
    expect(error.message).toContain(topic);
    await expect(admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 3 }])).resolves.toHaveLength(1);
  });

  it('reports each topic of a mixed batch: the good one is created, the bad ones are listed', async () => {
    const good = topicName('good');
    const existing = topicName('existing');
    const [before] = await admin.createTopics([{ topic: existing, numPartitions: 2, replicationFactor: 1 }]);
    const badConfig = topicName('badconfig');
    const error = await rejectionOf(
      admin.createTopics([
        { topic: good, numPartitions: 1, replicationFactor: 1 },
        { topic: existing, numPartitions: 5, replicationFactor: 1 },
        { topic: badConfig, configs: { 'no.such.key': '1' } },
      ]),
    );
    expect(error.code).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(error.message).toContain(existing);
    expect(error.message).toContain(badConfig);
    expect(error.message).not.toContain(good);
    expect(error.results.map((result) => [result['topic'], result.status])).toEqual([[good, 'fulfilled'], [existing, 'rejected'], [badConfig, 'rejected']]);
    const rejected = error.results.filter((result) => result.status === 'rejected').map((result) => (result.status === 'rejected' ? result.reason.code : -1));
    expect(rejected).toEqual([ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.INVALID_CONFIG]);

    const unchanged = await describeOne(existing);
    expect(unchanged.topicId).toBe(before?.topicId);
    expect(unchanged.partitions).toHaveLength(2);
    expect((await rejectionOf(admin.describeTopics([badConfig]))).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await eventually('the good topic in the metadata', async () => ((await admin.listTopics()).includes(good) ? true : undefined));
  });

  it('rejects unknown topics everywhere with UNKNOWN_TOPIC_OR_PARTITION naming them', async () => {
    const missing = topicName('missing');
    const calls: Array<() => Promise<unknown>> = [
      () => admin.describeTopics([missing]),
      () => admin.describeConfigs([{ type: 'topic', name: missing }]),
      () => admin.alterConfigs([{ type: 'topic', name: missing, configs: { 'retention.ms': '1000' } }]),
      () => admin.listOffsets([{ topic: missing, partition: 0, spec: 'latest' }]),
      () => admin.createPartitions({ [missing]: 4 }),
      () => admin.deleteRecords([{ topic: missing, partition: 0, offset: 0 }]),
    ];
    for (const call of calls) {
      const error = await rejectionOf(call());
      expect(error.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      expect(error.message).toContain(missing);
    }
  });
});

describe('Admin configs', () => {
  it('describes, alters incrementally and describes again', async () => {
    const topic = topicName('configs');
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1, configs: { 'retention.ms': '3600000' } }]);
    const [before] = await admin.describeConfigs([{ type: 'topic', name: topic }]);
    const entries = new Map((before?.entries ?? []).map((entry) => [entry.name, entry]));
    expect(entries.get('retention.ms')).toEqual({ name: 'retention.ms', value: '3600000', source: 'resource', isDefault: false, documentation: '' });
    expect(entries.get('cleanup.policy')).toMatchObject({ value: 'delete', source: 'default', isDefault: true });
    expect(entries.get('min.insync.replicas')).toMatchObject({ value: '1', isDefault: true });

    await admin.alterConfigs([{ type: 'topic', name: topic, configs: { 'cleanup.policy': 'compact', 'retention.ms': null } }]);
    const [after] = await admin.describeConfigs([{ type: 'topic', name: topic, configNames: ['cleanup.policy', 'retention.ms', 'segment.bytes'] }], { includeDocumentation: true });
    expect(after?.entries.map((entry) => [entry.name, entry.value, entry.source])).toEqual([
      ['cleanup.policy', 'compact', 'resource'],
      ['retention.ms', '604800000', 'default'],
      ['segment.bytes', '1073741824', 'default'],
    ]);
    expect(after?.entries.every((entry) => entry.documentation.length > 0)).toBe(true);
  });

  it('rejects a bad value with INVALID_CONFIG and changes nothing of the resource', async () => {
    const topic = topicName('badvalue');
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    const error = await rejectionOf(admin.alterConfigs([{ type: 'topic', name: topic, configs: { 'segment.ms': '60000', 'retention.ms': 'soon' } }]));
    expect(error.code).toBe(ErrorCode.INVALID_CONFIG);
    expect(error.message).toContain(`topic ${topic}`);
    const [described] = await admin.describeConfigs([{ type: 'topic', name: topic, configNames: ['retention.ms', 'segment.ms'] }]);
    expect(described?.entries.map((entry) => entry.source)).toEqual(['default', 'default']);
  });
});

describe('Admin offsets', () => {
  it('lists earliest, latest, max-timestamp and by-timestamp offsets after produced batches', async () => {
    const topic = topicName('offsets');
    await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 2 }]);
    const base = Date.now() - 60_000;
    for (let batch = 0; batch < 3; batch++) expect(await produce(topic, 0, 2, base + batch * 1000)).toBe(batch * 2);

    const offsets = await admin.listOffsets([
      { topic, partition: 1, spec: 'latest' },
      { topic, partition: 0, spec: 'earliest' },
    ]);
    expect(offsets.map((result) => [result.partition, result.offset, result.timestamp])).toEqual([[1, 0, -1], [0, 0, -1]]);
    const [latest] = await admin.listOffsets([{ topic, partition: 0, spec: 'latest' }], { isolationLevel: 'read_committed' });
    expect(latest?.offset).toBe(6);

    const [byTime] = await admin.listOffsets([{ topic, partition: 0, spec: { timestamp: base + 500 } }]);
    expect(byTime).toMatchObject({ topic, partition: 0, offset: 2, timestamp: base + 1000 });
    expect(byTime?.leaderEpoch).toBeGreaterThanOrEqual(0);
    const [max] = await admin.listOffsets([{ topic, partition: 0, spec: 'maxTimestamp' }]);
    expect(max).toMatchObject({ timestamp: base + 2000 });
    expect([4, 5]).toContain(max?.offset);
    const [none] = await admin.listOffsets([{ topic, partition: 1, spec: { timestamp: base } }]);
    expect(none?.offset).toBe(-1);

    const error = await rejectionOf(admin.listOffsets([{ topic, partition: 7, spec: 'latest' }]));
    expect(error.code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(error.message).toContain(`${topic}-7`);
  });

  it('deletes records below an offset, moving the earliest offset, and refuses to pass the high watermark', async () => {
    const topic = topicName('trim');
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 2 }]);
    await produce(topic, 0, 6, Date.now());
    await expect(admin.deleteRecords([{ topic, partition: 0, offset: 4 }])).resolves.toEqual([{ topic, partition: 0, lowWatermark: 4 }]);
    const [earliest] = await admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }]);
    expect(earliest?.offset).toBe(4);

    const error = await rejectionOf(admin.deleteRecords([{ topic, partition: 0, offset: 100 }]));
    expect(error.code).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(error.message).toContain(`${topic}-0`);
    const [still] = await admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }]);
    expect(still?.offset).toBe(4);
  });
});

describe('Admin cluster and lifecycle', () => {
  it('describes the cluster', async () => {
    const description = await admin.describeCluster();
    expect(description.clusterId).toMatch(/^[0-9a-f-]{36}$/);
    expect(description.controller.address).toBe(cluster.controllerAddress);
    expect(description.nodes.map((node) => [node.nodeId, node.address, node.fenced])).toEqual([1, 2, 3].map((id) => [id, cluster.node(id).address, false]));
  });

  it('rejects bad options with INVALID_CONFIG naming each key', () => {
    const bootstrapServers = [cluster.node(1).address];
    expect(() => new Admin({ bootstrapServers, requestTimeoutMs: 'soon', lingerMs: 5 } as unknown as ConstructorParameters<typeof Admin>[0])).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_CONFIG, message: expect.stringMatching(/unknown option lingerMs.*requestTimeoutMs must be/) }),
    );
  });

  it('rejects bad call options with INVALID_CONFIG naming each key', async () => {
    const error = await rejectionOf(admin.listTopics({ includeInternal: 'yes', limit: 3 } as unknown as { includeInternal: boolean }));
    expect(error.code).toBe(ErrorCode.INVALID_CONFIG);
    expect(error.message).toMatch(/unknown option limit.*includeInternal must be true or false/);
  });

  it('fails calls in flight and after close with a clear error', async () => {
    const other = new Admin({ bootstrapServers: [cluster.node(2).address] });
    expect(await other.listTopics({ includeInternal: true })).toContain('__consumer_offsets');
    const inFlight = other.createTopics([{ topic: topicName('closed'), numPartitions: 1, replicationFactor: 1 }]);
    await other.close();
    await expect(inFlight).rejects.toThrow('the admin client was closed');
    const after = await rejectionOf(other.describeCluster());
    expect(after.message).toBe('the admin client was closed');
    expect(after.retriable).toBe(false);
  });

  it('moves leadership back to the preferred replica with electLeaders', async () => {
    const topic = topicName('elect');
    const preferred = 2;
    await admin.createTopics([{ topic, replicaAssignment: [{ partition: 0, replicas: [preferred, 3, 1] }] }]);
    expect((await describeOne(topic)).partitions[0]?.leaderId).toBe(preferred);

    // A restart is a controlled shutdown: leadership moves away; the node then rejoins the ISR.
    await cluster.restart(preferred);
    await eventually('the preferred replica back in the ISR under another leader', async () => {
      const partition = (await describeOne(topic)).partitions[0];
      return partition && partition.leaderId !== preferred && partition.leaderId >= 0 && partition.isr.includes(preferred) ? true : undefined;
    }, 30_000);

    await expect(admin.electLeaders({ type: 'preferred', partitions: [{ topic, partition: 0 }] })).resolves.toEqual([{ topic, partition: 0, elected: true }]);
    await eventually('the preferred replica leading', async () => ((await describeOne(topic)).partitions[0]?.leaderId === preferred ? true : undefined));
    await expect(admin.electLeaders({ type: 'preferred', partitions: [{ topic, partition: 0 }] })).resolves.toEqual([{ topic, partition: 0, elected: false }]);
  }, 90_000);

  it('keeps retrying a partition whose leader died until the new leader answers, within the deadline', async () => {
    const topic = topicName('failover');
    await admin.createTopics([{ topic, replicaAssignment: [{ partition: 0, replicas: [3, 1] }] }]);
    await produce(topic, 0, 2, Date.now());
    await cluster.kill(3);
    // Node 3 keeps its leadership until its session expires; meanwhile every attempt fails with
    // NETWORK_EXCEPTION and is retried, then the call succeeds against node 1.
    const [latest] = await admin.listOffsets([{ topic, partition: 0, spec: 'latest' }], { timeoutMs: 30_000 });
    expect(latest?.offset).toBe(2);
    expect((await describeOne(topic)).partitions[0]?.leaderId).toBe(1);
  }, 60_000);
});
