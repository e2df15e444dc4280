/**
 * ControllerLink: this storage node's membership. It registers with the controller (retrying
 * until one is active), heartbeats every broker.heartbeat.interval.ms reporting how far it has
 * applied the metadata log (which unfences it), and follows `WatchMetadata` into a local
 * MetadataImage — snapshot first, then deltas, resuming from its version after a disconnection.
 * `onChange` runs after each snapshot and after the last record of every atomic batch.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Clock, Logger } from '@samsa/common';
import { MetadataImage } from '@samsa/cluster-metadata';
import { controller, ErrorCode } from '@samsa/proto';

export interface ControllerLinkOptions {
  controllerAddress: string;
  nodeId: number;
  rack: string;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  onChange(image: MetadataImage): void;
}

export class ControllerLink {
  image: MetadataImage = MetadataImage.empty();
  brokerEpoch = -1;
  private readonly client: controller.ControllerServiceClient;
  private readonly incarnationId = randomUUID();
  private heartbeatIntervalMs = 2000;
  private stopped = false;
  private wantShutdown = false;
  private watch: grpc.ClientReadableStream<controller.WatchMetadataResponse> | undefined;
  private endpoint = { host: '127.0.0.1', port: 0 };
  private registered: Promise<void> | undefined;

  constructor(private readonly options: ControllerLinkOptions) {
    this.client = new controller.ControllerServiceClient(options.controllerAddress, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  /** Registers (retrying until it succeeds or the link stops), then heartbeats and watches. */
  start(host: string, port: number): Promise<void> {
    this.endpoint = { host, port };
    this.watchMetadata();
    this.registered = this.register().then(() => this.heartbeatLoop());
    return Promise.resolve();
  }

  private unary<Req, Res>(method: (request: Req, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(this.client, request, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }

  private async register(): Promise<void> {
    let backoffMs = 100;
    while (!this.stopped) {
      try {
        const response = await this.unary(this.client.registerBroker as never, controller.RegisterBrokerRequest.fromPartial({
          nodeId: this.options.nodeId,
          incarnationId: this.incarnationId,
          rack: this.options.rack,
          listeners: [{ name: 'grpc', host: this.endpoint.host, port: this.endpoint.port }],
          logDirs: [this.options.dataDir],
        })) as controller.RegisterBrokerResponse;
        if (response.errorCode === ErrorCode.NONE) {
          this.brokerEpoch = response.brokerEpoch;
          this.heartbeatIntervalMs = response.heartbeatIntervalMs || this.heartbeatIntervalMs;
          this.options.logger.info({ brokerEpoch: this.brokerEpoch, nodeId: this.options.nodeId }, 'registered');
          return;
        }
        this.options.logger.warn({ errorCode: response.errorCode, message: response.errorMessage }, 'registration refused; retrying');
      } catch (error) {
        this.options.logger.debug({ err: error }, 'controller not reachable yet; retrying registration');
      }
      await this.options.clock.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 2000);
    }
  }

  private async heartbeatLoop(): Promise<void> {
    while (!this.stopped) {
      await this.heartbeat().catch((error: unknown) => this.options.logger.debug({ err: error }, 'heartbeat failed'));
      await this.options.clock.sleep(this.heartbeatIntervalMs);
    }
  }

  private async heartbeat(): Promise<controller.BrokerHeartbeatResponse> {
    const response = (await this.unary(this.client.brokerHeartbeat as never, controller.BrokerHeartbeatRequest.fromPartial({
      nodeId: this.options.nodeId,
      brokerEpoch: this.brokerEpoch,
      currentMetadataVersion: this.image.version,
      wantShutdown: this.wantShutdown,
    }))) as controller.BrokerHeartbeatResponse;
    if (response.errorCode === ErrorCode.STALE_BROKER_EPOCH || response.errorCode === ErrorCode.BROKER_ID_NOT_REGISTERED) {
      this.options.logger.warn({ errorCode: response.errorCode }, 'registration lost; registering again');
      await this.register();
    }
    return response;
  }

  private watchMetadata(): void {
    if (this.stopped) return;
    const stream = this.client.watchMetadata(controller.WatchMetadataRequest.fromPartial({ fromVersion: this.image.version, subscriberName: `storage-node-${this.options.nodeId}` }));
    this.watch = stream;
    stream.on('data', (event: controller.WatchMetadataResponse) => {
      if (event.event?.$case === 'snapshot') {
        this.image = MetadataImage.fromSnapshot(event.event.snapshot);
        this.options.onChange(this.image);
      } else if (event.event?.$case === 'delta') {
        const record = event.event.delta;
        if (record.version <= this.image.version) return;
        this.image.apply(record);
        if (record.lastInBatch) this.options.onChange(this.image);
      }
    });
    const reconnect = () => {
      if (this.watch !== stream) return;
      this.watch = undefined;
      if (!this.stopped) void this.options.clock.sleep(200).then(() => this.watchMetadata());
    };
    stream.on('error', reconnect);
    stream.on('end', reconnect);
  }

  /** Proposes an ISR change (the leader's side of spec §6.4). */
  alterPartition(request: controller.AlterPartitionRequest): Promise<controller.AlterPartitionResponse> {
    return this.unary(this.client.alterPartition as never, controller.AlterPartitionRequest.fromPartial(request)) as Promise<controller.AlterPartitionResponse>;
  }

  /**
   * Controlled shutdown: asks the controller to move leadership away and waits until it says the
   * node may stop (or `timeoutMs` passes).
   */
  async shutDownControlled(timeoutMs: number): Promise<boolean> {
    if (this.brokerEpoch < 0) return true;
    this.wantShutdown = true;
    const deadline = this.options.clock.monotonicMs() + timeoutMs;
    let failures = 0;
    while (this.options.clock.monotonicMs() < deadline) {
      const response = await this.heartbeat().catch(() => undefined);
      if (response?.shouldShutdown) return true;
      // No controller to move leadership: stop anyway rather than hang (the session will expire).
      failures = response ? 0 : failures + 1;
      if (failures >= 3) return false;
      await this.options.clock.sleep(Math.min(200, this.heartbeatIntervalMs));
    }
    return false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.cancel();
    await this.registered?.catch(() => undefined);
    this.client.close();
  }
}
