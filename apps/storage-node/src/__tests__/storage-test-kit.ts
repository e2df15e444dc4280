/**
 * Helpers for storage-node cluster tests: typed unary calls on any grpc-js client, topic creation
 * through the controller, waiting (on WatchMetadata events) until a topic's partitions have
 * leaders, and produce/fetch shortcuts with real RecordBatch v2 bytes.
 */
import * as grpc from '@grpc/grpc-js';
import { controller, ErrorCode, storage } from '@samsa/proto';
import { buildRecordBatch, iterateBatches } from '@samsa/records';
import { call, startCluster, type TestCluster } from '@samsa/testing';
import { afterEach } from 'vitest';

export { call };

export class Clients {
  private readonly open: grpc.Client[] = [];

  controller(cluster: TestCluster): controller.ControllerServiceClient {
    return this.track(new controller.ControllerServiceClient(cluster.controllerAddress, grpc.credentials.createInsecure()));
  }

  node(cluster: TestCluster, nodeId: number): storage.StorageServiceClient {
    return this.track(new storage.StorageServiceClient(cluster.node(nodeId).address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 << 20, 'grpc.max_send_message_length': 64 << 20 }));
  }

  private track<T extends grpc.Client>(client: T): T {
    this.open.push(client);
    return client;
  }

  close(): void {
    for (const client of this.open.splice(0)) client.close();
  }
}

/** Creates a topic and resolves once every partition has a leader, as seen through WatchMetadata. */
export async function createTopic(client: controller.ControllerServiceClient, name: string, numPartitions: number, replicationFactor: number, configs: Record<string, string> = {}): Promise<controller.PartitionState[]> {
  const created = await call(client, 'createTopics', controller.CreateTopicsRequest.fromPartial({
    topics: [{ name, numPartitions, replicationFactor, configs: Object.entries(configs).map(([key, value]) => ({ name: key, value })) }],
  }));
  if (created.topics[0]?.errorCode !== ErrorCode.NONE) throw new Error(`createTopics failed: ${created.topics[0]?.errorMessage}`);
  return awaitTopicState(client, name, (partitions) => partitions.length === numPartitions && partitions.every((p) => p.leaderId >= 0));
}

/** Follows WatchMetadata until `count` storage nodes are active (registered and unfenced). */
export function awaitActiveNodes(client: controller.ControllerServiceClient, count: number, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.watchMetadata(controller.WatchMetadataRequest.fromPartial({ fromVersion: 0, subscriberName: 'test' }));
    const states = new Map<number, controller.BrokerState>();
    const timer = setTimeout(() => finish(new Error(`${count} active nodes not seen in ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stream.cancel();
      if (error) reject(error);
      else resolve();
    };
    const ACTIVE = controller.BrokerState.BROKER_STATE_ACTIVE;
    stream.on('data', (event: controller.WatchMetadataResponse) => {
      const e = event.event;
      if (e?.$case === 'snapshot') for (const broker of e.snapshot.brokers) states.set(broker.registration?.nodeId ?? -1, broker.state);
      else if (e?.$case === 'delta') {
        const payload = e.delta.payload;
        if (payload?.$case === 'brokerUnfenced') states.set(payload.brokerUnfenced.nodeId, ACTIVE);
        if (payload?.$case === 'brokerFenced') states.set(payload.brokerFenced.nodeId, controller.BrokerState.BROKER_STATE_FENCED);
        if (payload?.$case === 'brokerRegistered') states.set(payload.brokerRegistered.registration?.nodeId ?? -1, controller.BrokerState.BROKER_STATE_FENCED);
      }
      if ([...states.values()].filter((state) => state === ACTIVE).length >= count) finish();
    });
    stream.on('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) finish(error);
    });
  });
}

/** Follows WatchMetadata until `accept` holds for the topic's partitions. */
export function awaitTopicState(client: controller.ControllerServiceClient, name: string, accept: (partitions: controller.PartitionState[]) => boolean, timeoutMs = 20_000): Promise<controller.PartitionState[]> {
  return new Promise((resolve, reject) => {
    const stream = client.watchMetadata(controller.WatchMetadataRequest.fromPartial({ fromVersion: 0, subscriberName: 'test' }));
    const partitions = new Map<number, controller.PartitionState>();
    const timer = setTimeout(() => finish(new Error(`topic ${name} did not reach the expected state in ${timeoutMs} ms`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stream.cancel();
      if (error) reject(error);
      else resolve([...partitions.values()].sort((a, b) => (a.topicPartition?.partition ?? 0) - (b.topicPartition?.partition ?? 0)));
    };
    stream.on('data', (event: controller.WatchMetadataResponse) => {
      if (event.event?.$case === 'snapshot') {
        partitions.clear();
        for (const state of event.event.snapshot.topics.find((t) => t.name === name)?.partitions ?? []) partitions.set(state.topicPartition?.partition ?? -1, state);
      } else if (event.event?.$case === 'delta' && event.event.delta.payload?.$case === 'partitionChanged') {
        const state = event.event.delta.payload.partitionChanged.partition;
        if (state?.topicPartition?.topic === name) partitions.set(state.topicPartition.partition, state);
      }
      const list = [...partitions.values()];
      if (list.length > 0 && accept(list)) finish();
    });
    stream.on('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) finish(error);
    });
  });
}

/**
 * Resolves once `client`'s node acts as leader of the partition (ListOffsets answers NONE): the
 * node applies metadata asynchronously, so a test's first produce must not race it. Bounded.
 */
export async function awaitLeader(client: storage.StorageServiceClient, topic: string, partition: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await call(client, 'listOffsets', storage.ListOffsetsRequest.fromPartial({ replicaId: -1, topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, timestampMs: -1 }] }] })).catch(() => undefined);
    if (response?.topics[0]?.partitions[0]?.errorCode === ErrorCode.NONE) return;
    if (Date.now() > deadline) throw new Error(`${topic}-${partition} has no serving leader after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function records(count: number, prefix = 'v', producer?: { id: number; epoch: number; sequence: number }): Buffer {
  return buildRecordBatch(
    Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `${prefix}-${i}`, timestamp: Date.now() })),
    producer ? { producerId: producer.id, producerEpoch: producer.epoch, baseSequence: producer.sequence } : {},
  );
}

export async function produce(client: storage.StorageServiceClient, topic: string, partition: number, batch: Buffer, acks = -1): Promise<storage.ProducePartitionResult> {
  const response = await call(client, 'produce', storage.ProduceRequest.fromPartial({ acks, timeoutMs: 10_000, topics: [{ topic, partitions: [{ partition, records: batch }] }] }));
  return response.topics[0]?.partitions[0] as storage.ProducePartitionResult;
}

export async function fetchOnce(client: storage.StorageServiceClient, topic: string, partition: number, fetchOffset: number, maxWaitMs = 0): Promise<storage.FetchPartitionData> {
  const response = await call(client, 'fetch', storage.FetchRequest.fromPartial({ replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic, partitions: [{ partition, fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }] }), maxWaitMs + 20_000);
  return response.topics[0]?.partitions[0] as storage.FetchPartitionData;
}

/** Values of every record in fetched bytes from `fromOffset` on, with offsets. */
export function valuesOf(bytes: Buffer, fromOffset = 0): Array<{ offset: number; value: string }> {
  const out: Array<{ offset: number; value: string }> = [];
  for (const batch of iterateBatches(bytes)) {
    if (batch.isControl) continue;
    for (const record of batch.records()) if (record.offset >= fromOffset) out.push({ offset: record.offset, value: record.value?.toString() ?? '' });
  }
  return out;
}

/** Node flags for cluster tests: followers drop out of the ISR after 3 s, fetches park 200 ms. */
export const TEST_NODE_ARGS = ['--replica-lag-time-max-ms', '3000', '--replica-fetch-wait-max-ms', '200'];

/** A cluster of `nodes` storage nodes, resolved once all of them are active (unfenced). */
async function startActiveCluster(clients: Clients, nodes: number): Promise<TestCluster> {
  const cluster = await startCluster({ nodes, nodeArgs: () => TEST_NODE_ARGS });
  await awaitActiveNodes(clients.controller(cluster), nodes);
  return cluster;
}

/**
 * Per-test cluster lifecycle for a test file: `start()` starts `nodes` active storage nodes (and a
 * controller); after each test the clients close and the cluster is shut down.
 */
export function useActiveCluster(nodes = 3): { clients: Clients; start(): Promise<TestCluster> } {
  const clients = new Clients();
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    clients.close();
    await cluster?.close();
    cluster = undefined;
  });
  return {
    clients,
    async start() {
      cluster = await startActiveCluster(clients, nodes);
      return cluster;
    },
  };
}

/** The partition-0 leader of `topic` as the controller sees it, skipping `excluded` nodes. */
export async function leaderOf(client: controller.ControllerServiceClient, topic: string, excluded: readonly number[] = []): Promise<number> {
  const partitions = await awaitTopicState(client, topic, (list) => (list[0]?.leaderId ?? -1) >= 0 && !excluded.includes(list[0]?.leaderId ?? -1), 30_000);
  return partitions[0]?.leaderId ?? -1;
}
