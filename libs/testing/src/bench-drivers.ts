/**
 * Raw gRPC drivers for benchmarks: what the storage node can do with no client library in the
 * way — ProduceStream with prebuilt batches and a window of requests in flight, FetchStream
 * from an offset — plus topic creation and leader lookup. Shared by the storage-node bench (#6)
 * and the client bench (#7), so both compare against the same baseline.
 */
import * as grpc from '@grpc/grpc-js';
import { controller, storage } from '@samsa/proto';
import type { TestCluster } from './cluster-harness.js';

const MB = 1e6;

export const benchStorageClient = (address: string) =>
  new storage.StorageServiceFastClient(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 << 20, 'grpc-node.flow_control_window': 8 << 20 });

/** Creates a topic through the controller (retrying until the cluster has enough nodes). */
export async function createBenchTopic(cluster: TestCluster, name: string, options: { replicationFactor: number; partitions?: number; configs?: Record<string, string> }): Promise<void> {
  const admin = new controller.ControllerServiceClient(cluster.controllerAddress, grpc.credentials.createInsecure());
  const request = controller.CreateTopicsRequest.fromPartial({
    topics: [{ name, numPartitions: options.partitions ?? 1, replicationFactor: options.replicationFactor, configs: Object.entries(options.configs ?? {}).map(([key, value]) => ({ name: key, value })) }],
  });
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      const response = await new Promise<controller.CreateTopicsResponse>((resolve, reject) => admin.createTopics(request, (error, r) => (error ? reject(error) : resolve(r))));
      if (response.topics[0]?.errorCode === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`could not create ${name}`);
  } finally {
    admin.close();
  }
}

/**
 * Deletes a topic through the controller and waits until no node serves it any more (a node
 * removes a replica's log directory when it drops the replica), so the next measurement starts
 * from a comparable page-cache state.
 */
export async function deleteBenchTopic(cluster: TestCluster, name: string): Promise<void> {
  const admin = new controller.ControllerServiceClient(cluster.controllerAddress, grpc.credentials.createInsecure());
  try {
    const response = await new Promise<controller.DeleteTopicsResponse>((resolve, reject) =>
      admin.deleteTopics(controller.DeleteTopicsRequest.fromPartial({ topics: [{ name }] }), (error, r) => (error ? reject(error) : resolve(r))),
    );
    const code = response.topics[0]?.errorCode;
    if (code !== 0) throw new Error(`could not delete ${name}: error ${code}`);
  } finally {
    admin.close();
  }
  for (let attempt = 0; attempt < 400; attempt++) {
    if ((await servingNode(cluster, name, 0)) === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} is still served after deletion`);
}

async function servingNode(cluster: TestCluster, topic: string, partition: number): Promise<number | undefined> {
  for (const nodeId of cluster.nodes.keys()) {
    const client = benchStorageClient(cluster.node(nodeId).address);
    const answer = await new Promise<storage.ListOffsetsResponse | undefined>((resolve) =>
      client.listOffsets(storage.ListOffsetsRequest.fromPartial({ topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, timestampMs: -1 }] }] }), (error, r) => resolve(error ? undefined : r)),
    );
    client.close();
    if (answer?.topics[0]?.partitions[0]?.errorCode === 0) return nodeId;
  }
  return undefined;
}

/** The node leading partition `partition` of `topic` (asks each node with ListOffsets). */
export async function benchLeaderOf(cluster: TestCluster, topic: string, partition = 0): Promise<number> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const nodeId = await servingNode(cluster, topic, partition);
    if (nodeId !== undefined) return nodeId;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no leader for ${topic}-${partition}`);
}

export interface RawProduceOptions {
  acks: number;
  /** One or more RecordBatch v2, sent as the `records` of every request. */
  payload: Buffer;
  /** Requests outstanding at once. */
  inFlight: number;
}

/** Streams `totalBytes` of `payload` requests to partition 0 over one ProduceStream; returns MB/s. */
export async function rawProduceStream(client: storage.StorageServiceClient, topic: string, totalBytes: number, options: RawProduceOptions): Promise<number> {
  const requests = Math.ceil(totalBytes / options.payload.length);
  const stream = client.produceStream();
  let sent = 0;
  let acked = 0;
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const send = () => {
      while (sent < requests && sent - acked < options.inFlight) {
        stream.write({ requestId: sent++, acks: options.acks, timeoutMs: 30_000, topics: [{ topic, partitions: [{ partition: 0, records: options.payload }] }] });
      }
    };
    stream.on('data', (response: storage.ProduceStreamResponse) => {
      if (response.topics[0]?.partitions[0]?.errorCode !== 0) return reject(new Error(`produce failed: ${response.topics[0]?.partitions[0]?.errorMessage}`));
      acked++;
      if (acked === requests) resolve();
      else send();
    });
    stream.on('error', reject);
    send();
  });
  stream.on('error', () => undefined);
  stream.end();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (requests * options.payload.length) / MB / seconds;
}

/** Reads partition 0 of `topic` from offset 0 over FetchStream (at most `pushBytes` per push) until `totalBytes` arrived; returns MB/s. */
export async function rawFetchStream(client: storage.StorageServiceClient, topic: string, totalBytes: number, pushBytes = 4 << 20): Promise<number> {
  const started = process.hrtime.bigint();
  let bytes = 0;
  const stream = client.fetchStream(
    storage.FetchStreamRequest.fromPartial({
      replicaId: -1,
      maxWaitMs: 1000,
      minBytes: 1,
      maxBytes: pushBytes,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: pushBytes }] }],
    }),
  );
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (response: storage.FetchStreamResponse) => {
      for (const topicData of response.topics) for (const data of topicData.partitions) bytes += data.records.length;
      if (bytes >= totalBytes) resolve();
    });
    stream.on('error', (error: grpc.ServiceError) => (error.code === grpc.status.CANCELLED ? resolve() : reject(error)));
  });
  stream.cancel();
  return bytes / MB / (Number(process.hrtime.bigint() - started) / 1e9);
}
