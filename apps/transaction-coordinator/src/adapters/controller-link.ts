/**
 * ControllerLink: this transaction-coordinator instance's membership and its view of the cluster.
 *
 * - Registers with RegisterCoordinator (kind TRANSACTION, the configured instance id, a random
 *   incarnation id, its gRPC endpoint), retrying with backoff until a controller accepts — also
 *   while the previous incarnation's session is still live after a crash (DUPLICATE_BROKER_REGISTRATION).
 *   Logs `registered` each time it gets a session.
 * - Then heartbeats every heartbeat_interval_ms the controller told it, keeping the latest list of
 *   shards assigned to this instance. An answer saying the session is stale or unknown (or such an
 *   answer to another call, via {@link sessionLost}) drops the session and registers again.
 * - Follows WatchMetadata into a local MetadataImage (snapshot, then deltas, resuming after a
 *   disconnection), which says who owns every shard, for FindCoordinator.
 * - On shutdown, {@link leave} sends want_shutdown so the controller moves the shards away at once.
 *
 * Concurrency: one loop does registration and heartbeats, so they never overlap; the watch stream
 * only touches `image`.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Clock, Logger } from '@samsa/common';
import { MetadataImage, TRANSACTION_STATE_TOPIC } from '@samsa/cluster-metadata';
import { controller, ErrorCode, type NodeEndpoint } from '@samsa/proto';
import type { ShardOwners } from '../domain/find-coordinator.js';

const KIND = controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION;
const REGISTER_BACKOFF_MS = 100;
const REGISTER_BACKOFF_MAX_MS = 2_000;
const WATCH_RECONNECT_MS = 200;

export interface ControllerLinkOptions {
  controllerAddress: string;
  instanceId: number;
  /** Deadline of each unary call to the controller. */
  requestTimeoutMs: number;
  clock: Clock;
  logger: Logger;
}

type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: Res) => void) => grpc.ClientUnaryCall;

export class ControllerLink implements ShardOwners {
  /** The cluster metadata as far as WatchMetadata has brought it. */
  image: MetadataImage = MetadataImage.empty();
  private readonly client: controller.ControllerServiceClient;
  private readonly incarnationId = randomUUID();
  private currentSession: controller.CoordinatorSession | undefined;
  private ownShards: readonly controller.CoordinatorShardAssignment[] = [];
  private heartbeatIntervalMs = 2_000;
  private endpoint: NodeEndpoint = { nodeId: -1, host: '127.0.0.1', port: 0, rack: '' };
  private stopped = false;
  private wake: () => void = () => undefined;
  private watch: grpc.ClientReadableStream<controller.WatchMetadataResponse> | undefined;

  constructor(private readonly options: ControllerLinkOptions) {
    this.client = new controller.ControllerServiceClient(options.controllerAddress, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  /** The current registration, or undefined while (re-)registering. */
  get session(): controller.CoordinatorSession | undefined {
    return this.currentSession;
  }

  /** Shards the controller assigned to this instance, from the latest heartbeat. */
  get shards(): readonly controller.CoordinatorShardAssignment[] {
    return this.ownShards;
  }

  /** True once the link is leaving or stopped: no new registration will come. */
  get closed(): boolean {
    return this.stopped;
  }

  /** Starts registering (in the background: resolves at once), heartbeating and watching. */
  start(host: string, port: number): void {
    this.endpoint = { nodeId: this.options.instanceId, host, port, rack: '' };
    this.watchMetadata();
    void this.run();
  }

  shardCount(): number {
    return this.image.topic(TRANSACTION_STATE_TOPIC)?.partitions.length ?? 0;
  }

  ownerOf(shard: number): NodeEndpoint | undefined {
    const owner = this.image.shards(KIND)[shard]?.instanceId ?? -1;
    return owner < 0 ? undefined : this.image.coordinator(KIND, owner)?.endpoint;
  }

  /** Another call was refused for this session (stale or unknown): register again. */
  sessionLost(coordinatorEpoch: number): void {
    if (this.currentSession?.coordinatorEpoch !== coordinatorEpoch) return;
    this.options.logger.warn({ coordinatorEpoch }, 'registration lost; registering again');
    this.dropSession();
    this.wake();
  }

  allocateProducerIds(session: controller.CoordinatorSession): Promise<controller.AllocateProducerIdsResponse> {
    return this.unary(this.client.allocateProducerIds, controller.AllocateProducerIdsRequest.fromPartial({ requester: { $case: 'coordinator', coordinator: session } }));
  }

  /** Graceful leave: stops re-registering and asks the controller to move this instance's shards now. */
  async leave(): Promise<void> {
    this.stopped = true;
    this.wake();
    const session = this.currentSession;
    if (!session) return;
    try {
      const response = await this.sendHeartbeat(session, true);
      this.options.logger.info({ shouldShutdown: response.shouldShutdown, errorCode: response.errorCode }, 'left the cluster');
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not tell the controller that this instance leaves; its session will expire');
    }
    this.dropSession();
  }

  /** Stops the loop and the watch and closes the channel; a call in flight fails, which the loop ignores. */
  stop(): void {
    this.stopped = true;
    this.wake();
    this.watch?.cancel();
    this.watch = undefined;
    this.client.close();
  }

  private async run(): Promise<void> {
    let backoffMs = REGISTER_BACKOFF_MS;
    while (!this.stopped) {
      if (!this.currentSession && !(await this.register())) {
        await this.pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, REGISTER_BACKOFF_MAX_MS);
        continue;
      }
      backoffMs = REGISTER_BACKOFF_MS;
      await this.heartbeat();
      await this.pause(this.heartbeatIntervalMs);
    }
  }

  /** One registration attempt; true when it gave this process a session. */
  private async register(): Promise<boolean> {
    const { instanceId, logger } = this.options;
    try {
      const response = await this.unary(this.client.registerCoordinator, controller.RegisterCoordinatorRequest.fromPartial({
        kind: KIND,
        instanceId,
        incarnationId: this.incarnationId,
        endpoint: this.endpoint,
      }));
      if (this.stopped) return false;
      if (response.errorCode !== ErrorCode.NONE) {
        logger.info({ errorCode: response.errorCode, message: response.errorMessage }, 'registration refused; retrying');
        return false;
      }
      this.currentSession = { kind: KIND, instanceId: response.instanceId, coordinatorEpoch: response.coordinatorEpoch };
      this.heartbeatIntervalMs = response.heartbeatIntervalMs > 0 ? response.heartbeatIntervalMs : this.heartbeatIntervalMs;
      logger.info({ instanceId: response.instanceId, coordinatorEpoch: response.coordinatorEpoch, incarnationId: this.incarnationId, shardCount: response.shardCount, endpoint: this.endpoint }, 'registered');
      return true;
    } catch (error) {
      logger.debug({ err: error }, 'controller not reachable yet; retrying registration');
      return false;
    }
  }

  private async heartbeat(): Promise<void> {
    const session = this.currentSession;
    if (!session) return;
    let response: controller.CoordinatorHeartbeatResponse;
    try {
      response = await this.sendHeartbeat(session, false);
    } catch (error) {
      this.options.logger.debug({ err: error }, 'heartbeat failed');
      return;
    }
    if (session !== this.currentSession) return;
    if (response.errorCode === ErrorCode.STALE_BROKER_EPOCH || response.errorCode === ErrorCode.BROKER_ID_NOT_REGISTERED) {
      this.sessionLost(session.coordinatorEpoch);
      return;
    }
    if (response.errorCode !== ErrorCode.NONE) {
      this.options.logger.warn({ errorCode: response.errorCode, message: response.errorMessage }, 'heartbeat refused');
      return;
    }
    if (!sameShards(this.ownShards, response.shards)) {
      this.options.logger.info({ shards: response.shards.map((shard) => ({ shard: shard.shard, shardEpoch: shard.shardEpoch })) }, 'shard assignment changed');
    }
    this.ownShards = response.shards;
  }

  private sendHeartbeat(session: controller.CoordinatorSession, wantShutdown: boolean): Promise<controller.CoordinatorHeartbeatResponse> {
    return this.unary(this.client.coordinatorHeartbeat, controller.CoordinatorHeartbeatRequest.fromPartial({
      ...session,
      currentMetadataVersion: this.image.version > 0 ? this.image.version : -1,
      wantShutdown,
    }));
  }

  private dropSession(): void {
    this.currentSession = undefined;
    this.ownShards = [];
  }

  /** Waits `delayMs`, or less when {@link wake} is called (session lost, stopping). */
  private pause(delayMs: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimer(delayMs, () => done());
      const done = () => {
        timer.cancel();
        this.wake = () => undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  private unary<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
    const deadline = this.options.clock.nowMs() + this.options.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      method.call(this.client, request, new grpc.Metadata(), { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
    });
  }

  private watchMetadata(): void {
    if (this.stopped) return;
    const request = controller.WatchMetadataRequest.fromPartial({ fromVersion: this.image.version, subscriberName: `transaction-coordinator-${this.options.instanceId}` });
    const stream = this.client.watchMetadata(request);
    this.watch = stream;
    stream.on('data', (event: controller.WatchMetadataResponse) => {
      try {
        if (event.event?.$case === 'snapshot') {
          this.image = MetadataImage.fromSnapshot(event.event.snapshot);
        } else if (event.event?.$case === 'delta' && event.event.delta.version > this.image.version) {
          this.image.apply(event.event.delta);
        }
      } catch (error) {
        // A record this image cannot apply: start over from a snapshot rather than serve a wrong view.
        this.options.logger.error({ err: error }, 'metadata record could not be applied; reloading the metadata image');
        this.image = MetadataImage.empty();
        stream.cancel();
      }
    });
    const reconnect = () => {
      if (this.watch !== stream) return;
      this.watch = undefined;
      if (!this.stopped) this.options.clock.setTimer(WATCH_RECONNECT_MS, () => this.watchMetadata());
    };
    stream.on('error', reconnect);
    stream.on('end', reconnect);
  }
}

function sameShards(a: readonly controller.CoordinatorShardAssignment[], b: readonly controller.CoordinatorShardAssignment[]): boolean {
  return a.length === b.length && a.every((shard, index) => shard.shard === b[index]?.shard && shard.shardEpoch === b[index]?.shardEpoch);
}
