/**
 * Test harness for controller integration tests: real controller processes (embedded store in a
 * temp dir, or etcd), a typed gRPC client, fake storage nodes that register and heartbeat, and a
 * reader of the metadata image through WatchMetadata.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { controller, ErrorCode } from '@samsa/proto';
import { makeTempDir, spawnService, type SpawnedService } from '@samsa/testing';

const entry = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Session and check settings small enough for tests to observe expiry quickly. */
export const FAST_SESSIONS = ['--broker-session-timeout-ms', '1500', '--broker-heartbeat-interval-ms', '100', '--liveness-check-interval-ms', '100'];
const SMALL_INTERNAL_TOPICS = ['--offsets-topic-num-partitions', '3', '--transaction-state-log-num-partitions', '3'];

export type Client = controller.ControllerServiceClient;

export interface RunningController {
  service: SpawnedService;
  client: Client;
  address: string;
}

export class ControllerHarness {
  private readonly services: SpawnedService[] = [];
  private readonly clients: grpc.Client[] = [];
  private readonly cleanups: Array<() => Promise<void>> = [];
  readonly nodes: FakeNode[] = [];

  /** A controller on the embedded store; resolves once it is the active controller. */
  async startEmbedded(extraArgs: string[] = []): Promise<RunningController> {
    const dir = await makeTempDir('samsa-controller-');
    this.cleanups.push(dir.cleanup);
    const running = await this.start(['--data-dir', join(dir.path, 'metadata'), ...extraArgs]);
    await becameActive(running);
    return running;
  }

  /** A controller on etcd; resolves once it serves (it may be a standby: see becameActive). */
  async startWithEtcd(endpoints: readonly string[], extraArgs: string[] = []): Promise<RunningController> {
    return this.start(['--metadata-store', 'etcd', '--etcd-endpoints', endpoints.join(','), ...extraArgs]);
  }

  private async start(args: string[]): Promise<RunningController> {
    const service = spawnService(entry, ['--grpc-port', '0', '--admin-port', '0', ...FAST_SESSIONS, ...SMALL_INTERNAL_TOPICS, ...args]);
    this.services.push(service);
    const { grpcPort } = await service.ready;
    const address = `127.0.0.1:${grpcPort}`;
    return { service, client: this.client(address), address };
  }

  client(address: string): Client {
    const client = new controller.ControllerServiceClient(address, grpc.credentials.createInsecure());
    this.clients.push(client);
    return client;
  }

  /** Registers a storage node and keeps it heartbeating (caught up) until stopped. */
  async addNode(client: Client, nodeId: number, rack = ''): Promise<FakeNode> {
    const node = new FakeNode(client, nodeId, rack);
    this.nodes.push(node);
    await node.register();
    return node;
  }

  async close(): Promise<void> {
    for (const node of this.nodes.splice(0)) node.stop();
    for (const client of this.clients.splice(0)) client.close();
    await Promise.all(this.services.splice(0).map((service) => service.stop('SIGKILL')));
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
  }
}

type UnaryTypes<F> = F extends (
  request: infer Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: infer Res) => void,
) => grpc.ClientUnaryCall
  ? { request: Req; response: Res }
  : never;
type UnaryMethod = { [K in keyof Client]: UnaryTypes<Client[K]> extends never ? never : K }[keyof Client];

/** Calls a unary RPC with a 10 s deadline; resolves with its response (rejects with the gRPC error). */
export function call<K extends UnaryMethod>(client: Client, method: K, request: UnaryTypes<Client[K]>['request']): Promise<UnaryTypes<Client[K]>['response']> {
  return new Promise((resolve, reject) => {
    const invoke = client[method] as unknown as (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;
    invoke.call(client, request, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response as UnaryTypes<Client[K]>['response'])));
  });
}

export class FakeNode {
  brokerEpoch = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Client,
    readonly nodeId: number,
    readonly rack: string,
  ) {}

  async register(): Promise<void> {
    const response = await call(this.client, 'registerBroker', controller.RegisterBrokerRequest.fromPartial({
      nodeId: this.nodeId,
      incarnationId: randomUUID(),
      rack: this.rack,
      listeners: [{ name: 'grpc', host: '127.0.0.1', port: 20_000 + this.nodeId }],
    }));
    if (response.errorCode !== ErrorCode.NONE) throw new Error(`registration failed: ${response.errorMessage}`);
    this.brokerEpoch = response.brokerEpoch;
    await this.heartbeat();
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), 100);
  }

  heartbeat(): Promise<controller.BrokerHeartbeatResponse> {
    return call(this.client, 'brokerHeartbeat', controller.BrokerHeartbeatRequest.fromPartial({
      nodeId: this.nodeId,
      brokerEpoch: this.brokerEpoch,
      currentMetadataVersion: Number.MAX_SAFE_INTEGER,
    }));
  }

  /** Stops heartbeating (as if the process hung or died). */
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Resolves when the controller logs that it became the active controller. */
export async function becameActive(running: RunningController, timeoutMs = 15_000): Promise<void> {
  await running.service.waitForLog((line) => line.msg === 'active controller', timeoutMs);
}

/** The current metadata image, read as the first (snapshot) event of WatchMetadata. */
export async function readSnapshot(client: Client): Promise<controller.MetadataSnapshot> {
  return new Promise((resolve, reject) => {
    const stream = client.watchMetadata(controller.WatchMetadataRequest.fromPartial({ fromVersion: 0, subscriberName: 'test' }));
    stream.once('data', (event: controller.WatchMetadataResponse) => {
      stream.cancel();
      if (event.event?.$case === 'snapshot') resolve(event.event.snapshot);
      else reject(new Error('expected a snapshot first'));
    });
    stream.once('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) reject(error);
    });
  });
}

/** Resolves once the controller has created both internal topics (its liveness timer does that). */
export function awaitInternalTopics(client: Client, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.watchMetadata(controller.WatchMetadataRequest.fromPartial({ fromVersion: 0, subscriberName: 'test' }));
    const names = new Set<string>();
    const timer = setTimeout(() => finish(new Error('internal topics were not created in time')), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stream.cancel();
      if (error) reject(error);
      else resolve();
    };
    stream.on('data', (event: controller.WatchMetadataResponse) => {
      if (event.event?.$case === 'snapshot') for (const topic of event.event.snapshot.topics) names.add(topic.name);
      if (event.event?.$case === 'delta' && event.event.delta.payload?.$case === 'topicCreated') names.add(event.event.delta.payload.topicCreated.name);
      if (names.has('__consumer_offsets') && names.has('__transaction_state')) finish();
    });
    stream.on('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) finish(error);
    });
  });
}
