/**
 * Helpers for @samsa/client integration tests against a real cluster (`@samsa/testing`):
 * starting a cluster whose nodes are all active, creating topics through the controller and
 * waiting until every node's metadata shows their leaders, producing raw RecordBatch v2 bytes
 * with `StorageService.Produce` (so client tests do not depend on the Producer), reading a topic
 * back with the Consumer, and unique names.
 * Every gRPC client the kit opens is closed by `close()`, which also stops the cluster.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { controller, ErrorCode, storage } from '@samsa/proto';
import { buildRecordBatch, type BatchOptions, type RecordInput } from '@samsa/records';
import { call, startCluster, type TestCluster } from '@samsa/testing';
import { expect } from 'vitest';
import { Consumer } from '../consumer/consumer.js';
import type { ConsumerRecord } from '../consumer/types.js';

export { call };

/** A name no other test uses: `<prefix>-<8 hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Node flags for client tests: followers drop out of the ISR after 3 s, replica fetches park 200 ms. */
export const TEST_NODE_ARGS = ['--replica-lag-time-max-ms', '3000', '--replica-fetch-wait-max-ms', '200'];

/** Records `values` as a batch input: key `k<i>`, the value, one header, timestamp now. */
export function recordsOf(values: readonly string[], keyPrefix = 'k'): RecordInput[] {
  const now = Date.now();
  return values.map((value, i) => ({ key: `${keyPrefix}${i}`, value, headers: [{ key: 'index', value: String(i) }], timestamp: now }));
}

/** Reads every partition of `topic` from the start until `expected` records arrived. */
export async function readAll(bootstrapServers: string[], topic: string, partitions: number, expected: number): Promise<Array<ConsumerRecord<string, string>>> {
  const consumer = new Consumer<string, string>({ bootstrapServers, autoOffsetReset: 'earliest', keyDeserializer: 'string', valueDeserializer: 'string', maxPollRecords: 10_000 });
  try {
    await consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    const records: Array<ConsumerRecord<string, string>> = [];
    while (records.length < expected) {
      const batch = await consumer.poll({ timeoutMs: 10_000 });
      if (batch.length === 0) throw new Error(`no records for 10 s after ${records.length} of ${expected}`);
      for (const record of batch) records.push(record);
    }
    expect(await consumer.poll({ timeoutMs: 300 })).toEqual([]);
    return records;
  } finally {
    await consumer.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ClientTestKit {
  private readonly clients = new Map<string, grpc.Client>();

  private constructor(readonly cluster: TestCluster) {}

  /** A cluster of `nodes` storage nodes, resolved once every node is active (registered and unfenced). */
  static async start(nodes: number, nodeArgs: readonly string[] = TEST_NODE_ARGS): Promise<ClientTestKit> {
    const kit = new ClientTestKit(await startCluster({ nodes, nodeArgs: () => nodeArgs }));
    try {
      await kit.awaitActiveNodes(nodes);
    } catch (error) {
      await kit.close();
      throw error;
    }
    return kit;
  }

  /** Every storage node's `host:port` (for bootstrapServers). */
  get bootstrapServers(): string[] {
    return [...this.cluster.nodes.values()].map((node) => node.address);
  }

  controller(): controller.ControllerServiceClient {
    return this.client(this.cluster.controllerAddress, controller.ControllerServiceClient);
  }

  node(nodeId: number): storage.StorageServiceClient {
    return this.client(this.cluster.node(nodeId).address, storage.StorageServiceClient);
  }

  /** Creates a topic; resolves with each partition's leader once every running node's metadata shows them and each leader serves. */
  async createTopic(name: string, numPartitions: number, replicationFactor = 1, configs: Record<string, string> = {}): Promise<number[]> {
    const created = await call(this.controller(), 'createTopics', controller.CreateTopicsRequest.fromPartial({
      topics: [{ name, numPartitions, replicationFactor, configs: Object.entries(configs).map(([key, value]) => ({ name: key, value })) }],
    }));
    if (created.topics[0]?.errorCode !== ErrorCode.NONE) throw new Error(`createTopics ${name} failed: ${created.topics[0]?.errorMessage}`);
    const leaders = (await this.awaitTopicState(name, (partitions) => partitions.length === numPartitions && partitions.every((p) => p.leaderId >= 0))).map((p) => p.leaderId);
    await Promise.all(leaders.map((leader, partition) => this.awaitServing(leader, name, partition)));
    await this.awaitMetadata(name, numPartitions);
    return leaders;
  }

  /** The partition's leader as the controller sees it, once it is none of `excluded`. */
  async leaderOf(topic: string, partition: number, excluded: readonly number[] = [], timeoutMs = 30_000): Promise<number> {
    const states = await this.awaitTopicState(topic, (list) => {
      const leader = list.find((p) => p.topicPartition?.partition === partition)?.leaderId ?? -1;
      return leader >= 0 && !excluded.includes(leader);
    }, timeoutMs);
    return states.find((p) => p.topicPartition?.partition === partition)?.leaderId ?? -1;
  }

  /** Resolves once node `nodeId` acts as the partition's leader (ListOffsets answers NONE). Bounded. */
  async awaitServing(nodeId: number, topic: string, partition: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const request = storage.ListOffsetsRequest.fromPartial({ replicaId: -1, topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, timestampMs: -1 }] }] });
    for (;;) {
      const response = await call(this.node(nodeId), 'listOffsets', request).catch(() => undefined);
      if (response?.topics[0]?.partitions[0]?.errorCode === ErrorCode.NONE) return;
      if (Date.now() > deadline) throw new Error(`node ${nodeId} does not serve ${topic}-${partition} after ${timeoutMs} ms`);
      await sleep(25);
    }
  }

  /**
   * Appends one batch of `records` to the partition with a raw Produce (acks=-1 by default) on its
   * leader (`options.nodeId`, or the controller's view); throws unless the partition answers NONE.
   */
  async rawProduce(topic: string, partition: number, records: readonly RecordInput[] | Buffer, options: { nodeId?: number; acks?: number; batch?: BatchOptions } = {}): Promise<storage.ProducePartitionResult> {
    const nodeId = options.nodeId ?? (await this.leaderOf(topic, partition));
    const bytes = Buffer.isBuffer(records) ? records : buildRecordBatch([...records], options.batch ?? {});
    const request = storage.ProduceRequest.fromPartial({ acks: options.acks ?? -1, timeoutMs: 10_000, topics: [{ topic, partitions: [{ partition, records: bytes }] }] });
    const response = await call(this.node(nodeId), 'produce', request);
    const result = response.topics[0]?.partitions[0];
    if (!result || result.errorCode !== ErrorCode.NONE) throw new Error(`produce to ${topic}-${partition} on node ${nodeId} failed: ${result?.errorCode} ${result?.errorMessage}`);
    return result;
  }

  /** Closes every client the kit opened and the cluster. Idempotent. */
  async close(): Promise<void> {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    await this.cluster.close();
  }

  private client<C extends grpc.Client>(address: string, Class: new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ClientOptions) => C): C {
    const key = `${Class.name}@${address}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      client = new Class(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 << 20, 'grpc.max_send_message_length': 64 << 20 });
      this.clients.set(key, client);
    }
    return client;
  }

  /** Polls every running node's Metadata until it lists the topic with a leader for each partition. */
  private async awaitMetadata(topic: string, numPartitions: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const node of this.cluster.nodes.values()) {
      if (node.state !== 'running') continue;
      for (;;) {
        const response = await call(this.node(node.nodeId), 'metadata', storage.MetadataRequest.fromPartial({ topics: [topic] })).catch(() => undefined);
        const partitions = response?.topics.find((t) => t.name === topic && t.errorCode === ErrorCode.NONE)?.partitions ?? [];
        if (partitions.length === numPartitions && partitions.every((p) => p.leaderId >= 0)) break;
        if (Date.now() > deadline) throw new Error(`node ${node.nodeId} metadata does not show ${topic} after ${timeoutMs} ms`);
        await sleep(25);
      }
    }
  }

  /** Follows WatchMetadata until `count` storage nodes are active. */
  private awaitActiveNodes(count: number, timeoutMs = 20_000): Promise<void> {
    const ACTIVE = controller.BrokerState.BROKER_STATE_ACTIVE;
    const states = new Map<number, controller.BrokerState>();
    const seen = this.watch(timeoutMs, `${count} active nodes`, (event) => {
      if (event.event?.$case === 'snapshot') for (const broker of event.event.snapshot.brokers) states.set(broker.registration?.nodeId ?? -1, broker.state);
      else if (event.event?.$case === 'delta') {
        const payload = event.event.delta.payload;
        if (payload?.$case === 'brokerUnfenced') states.set(payload.brokerUnfenced.nodeId, ACTIVE);
        if (payload?.$case === 'brokerFenced') states.set(payload.brokerFenced.nodeId, controller.BrokerState.BROKER_STATE_FENCED);
        if (payload?.$case === 'brokerRegistered') states.set(payload.brokerRegistered.registration?.nodeId ?? -1, controller.BrokerState.BROKER_STATE_FENCED);
      }
      return [...states.values()].filter((state) => state === ACTIVE).length >= count ? true : undefined;
    });
    return seen.then(() => undefined);
  }

  /** Follows WatchMetadata until `accept` holds for the topic's partitions. */
  private awaitTopicState(topic: string, accept: (partitions: controller.PartitionState[]) => boolean, timeoutMs = 20_000): Promise<controller.PartitionState[]> {
    const partitions = new Map<number, controller.PartitionState>();
    return this.watch(timeoutMs, `topic ${topic} in the expected state`, (event) => {
      if (event.event?.$case === 'snapshot') {
        partitions.clear();
        for (const state of event.event.snapshot.topics.find((t) => t.name === topic)?.partitions ?? []) partitions.set(state.topicPartition?.partition ?? -1, state);
      } else if (event.event?.$case === 'delta' && event.event.delta.payload?.$case === 'partitionChanged') {
        const state = event.event.delta.payload.partitionChanged.partition;
        if (state?.topicPartition?.topic === topic) partitions.set(state.topicPartition.partition, state);
      }
      const list = [...partitions.values()].sort((a, b) => (a.topicPartition?.partition ?? 0) - (b.topicPartition?.partition ?? 0));
      return list.length > 0 && accept(list) ? list : undefined;
    });
  }

  /** Follows WatchMetadata until `step` returns a value; bounded by `timeoutMs`. */
  private watch<T>(timeoutMs: number, what: string, step: (event: controller.WatchMetadataResponse) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const stream = this.controller().watchMetadata(controller.WatchMetadataRequest.fromPartial({ fromVersion: 0, subscriberName: 'client-test-kit' }));
      const timer = setTimeout(() => finish(() => reject(new Error(`${what} not seen in ${timeoutMs} ms`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        stream.cancel();
        settle();
      };
      stream.on('data', (event: controller.WatchMetadataResponse) => {
        const result = step(event);
        if (result !== undefined) finish(() => resolve(result));
      });
      stream.on('error', (error: grpc.ServiceError) => {
        if (error.code !== grpc.status.CANCELLED) finish(() => reject(error));
      });
    });
  }
}
