/**
 * Connection: what Admin, Producer and Consumer share. Bootstraps from storage-node addresses,
 * keeps a metadata cache (refreshed when older than metadata.max.age.ms, on demand after routing
 * errors, one refresh in flight at a time), patches leaders from NOT_LEADER_OR_FOLLOWER hints
 * without a round-trip, and holds one gRPC channel per address shared by every service client
 * on it. `close()` closes every channel and cancels every timer.
 */
import * as grpc from '@grpc/grpc-js';
import { SamsaError, silentLogger, type Logger } from '@samsa/common';
import { controller, ErrorCode, storage, transaction } from '@samsa/proto';
import { clusterViewOf, withLeader, type ClusterView, type NodeInfo, type PartitionInfo, type TopicInfo } from './cluster-metadata.js';
import { unary } from './grpc-call.js';
import { closedError, delay, withRetries, type BackoffOptions } from './retry.js';

export interface ConnectionConfig extends BackoffOptions {
  bootstrapServers: readonly string[];
  clientId: string;
  requestTimeoutMs: number;
  metadataMaxAgeMs: number;
  maxReceiveMessageBytes: number;
  logger?: Logger;
}

/** 8 MiB HTTP/2 windows: the default 64 KiB window caps a stream far below the link. */
const FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;

type ClientClass<C> = new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ClientOptions) => C;

export class Connection {
  readonly logger: Logger;
  private view: ClusterView | undefined;
  private fetchedAtMs = 0;
  private refreshing: Promise<ClusterView> | undefined;
  private stale = false;
  private readonly channels = new Map<string, grpc.Channel>();
  private readonly clients = new Map<ClientClass<grpc.Client>, Map<string, grpc.Client>>();
  private readonly closing = new AbortController();
  /** Mirrors `closing.signal.aborted` as a plain field: send() asks per record, and the signal's getter costs more. */
  private isClosed = false;
  private bootstrapIndex = 0;

  constructor(readonly config: ConnectionConfig) {
    this.logger = (config.logger ?? silentLogger).child({ component: 'Connection', clientId: config.clientId });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Aborts when the connection closes: long waits (backoff, metadata) listen to it. */
  get signal(): AbortSignal {
    return this.closing.signal;
  }

  /** The current view, refreshed first when missing, stale, or older than metadata.max.age.ms. */
  async metadata(options: { force?: boolean } = {}): Promise<ClusterView> {
    this.assertOpen();
    const fresh = this.view && !this.stale && Date.now() - this.fetchedAtMs < this.config.metadataMaxAgeMs;
    if (fresh && !options.force) return this.view as ClusterView;
    return this.refresh();
  }

  /** Starts a background refresh when the cache is older than metadata.max.age.ms (no I/O otherwise). */
  refreshIfOld(now = Date.now()): void {
    if (this.refreshing || this.closed || now - this.fetchedAtMs < this.config.metadataMaxAgeMs) return;
    this.refresh().catch((error: unknown) => this.logger.debug({ error: (error as Error).message }, 'background metadata refresh failed'));
  }

  /** The cached view without any I/O (undefined before the first refresh). */
  get cached(): ClusterView | undefined {
    return this.view;
  }

  /** Marks the cache stale: the next `metadata()` asks the cluster again. */
  invalidate(): void {
    this.stale = true;
  }

  /**
   * A topic's metadata; a topic missing from the cache triggers one refresh, and a topic still
   * missing fails with UNKNOWN_TOPIC_OR_PARTITION (retriable: it may be about to appear).
   */
  async topic(name: string): Promise<TopicInfo> {
    let view = await this.metadata();
    if (!view.topics.has(name)) view = await this.metadata({ force: true });
    const topic = view.topics.get(name);
    if (!topic) throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} is not present in the cluster metadata`);
    return topic;
  }

  /** Partition `partition` of `topic` from the cache, if known. */
  partition(topic: string, partition: number): PartitionInfo | undefined {
    return this.view?.topics.get(topic)?.partitions[partition];
  }

  /** Applies a leader hint from a NOT_LEADER_OR_FOLLOWER answer; false when it could not be used (then refresh). */
  applyLeaderHint(topic: string, partition: number, hint: storage.LeaderHint | undefined): boolean {
    if (!this.view || !hint || hint.leaderId < 0) return false;
    const before = this.view;
    this.view = withLeader(before, topic, partition, hint);
    return this.view !== before;
  }

  node(nodeId: number): NodeInfo | undefined {
    return this.view?.nodes.get(nodeId);
  }

  /** The StorageService client of node `nodeId` (from the cached metadata). */
  storage(nodeId: number): storage.StorageServiceClient {
    const node = this.node(nodeId);
    if (!node) throw new SamsaError(ErrorCode.LEADER_NOT_AVAILABLE, `storage node ${nodeId} is not in the cluster metadata`);
    return this.client(node.address, storage.StorageServiceFastClient);
  }

  /** The StorageService client at `address` (bootstrap or a known node). */
  storageAt(address: string): storage.StorageServiceClient {
    return this.client(address, storage.StorageServiceFastClient);
  }

  /** The controller's client, found through the metadata. */
  async controller(): Promise<controller.ControllerServiceClient> {
    let view = await this.metadata();
    if (!view.controller) view = await this.metadata({ force: true });
    if (!view.controller) throw new SamsaError(ErrorCode.NOT_CONTROLLER, 'the cluster metadata names no controller');
    return this.client(view.controller.address, controller.ControllerServiceClient);
  }

  /** A transaction coordinator's client, found through the metadata's coordinator shards. */
  async transactionCoordinator(): Promise<transaction.TransactionCoordinatorServiceClient> {
    let view = await this.metadata();
    if (view.transactionCoordinators.length === 0) view = await this.metadata({ force: true });
    const choice = view.transactionCoordinators[Math.floor(Math.random() * view.transactionCoordinators.length)];
    if (!choice) throw new SamsaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'no transaction coordinator is serving yet');
    return this.client(choice.address, transaction.TransactionCoordinatorServiceClient);
  }

  /** Runs `operation` with retries for retriable errors until `deadlineMs` (default now + request.timeout.ms); `onRetry` defaults to invalidating the metadata. */
  retry<T>(operation: (attempt: number) => Promise<T>, options: { deadlineMs?: number; onRetry?: (error: SamsaError) => void } = {}): Promise<T> {
    return withRetries(operation, {
      retryBackoffMs: this.config.retryBackoffMs,
      retryBackoffMaxMs: this.config.retryBackoffMaxMs,
      deadlineMs: options.deadlineMs ?? Date.now() + this.config.requestTimeoutMs,
      signal: this.closing.signal,
      onRetry: options.onRetry ?? (() => this.invalidate()),
    });
  }

  /** Waits `ms` unless the connection closes first (then rejects). */
  sleep(ms: number): Promise<void> {
    return delay(ms, this.closing.signal);
  }

  /** Releases every channel; pending calls fail with CANCELLED/UNAVAILABLE. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.isClosed = true;
    this.closing.abort();
    for (const byAddress of this.clients.values()) for (const client of byAddress.values()) client.close();
    for (const channel of this.channels.values()) channel.close();
    this.clients.clear();
    this.channels.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  private refresh(): Promise<ClusterView> {
    this.refreshing ??= this.fetchMetadata().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Asks known nodes first, then the bootstrap list, rotating, until one answers. */
  private async fetchMetadata(): Promise<ClusterView> {
    return this.retry(async () => {
      const known = this.view ? [...this.view.nodes.values()].map((node) => node.address) : [];
      const candidates = [...new Set([...known, ...this.config.bootstrapServers])];
      const address = candidates[this.bootstrapIndex++ % candidates.length] as string;
      const client = this.storageAt(address);
      const response = await unary(client, client.metadata, storage.MetadataRequest.fromPartial({ topics: [] }), this.config.requestTimeoutMs);
      this.view = clusterViewOf(response);
      this.fetchedAtMs = Date.now();
      this.stale = false;
      return this.view;
    }, { onRetry: (error) => this.logger.debug({ error: error.message }, 'metadata request failed, retrying') });
  }

  private client<C extends grpc.Client>(address: string, Class: ClientClass<C>): C {
    this.assertOpen();
    let byAddress = this.clients.get(Class);
    if (!byAddress) this.clients.set(Class, (byAddress = new Map()));
    let client = byAddress.get(address) as C | undefined;
    if (!client) {
      client = new Class(address, grpc.credentials.createInsecure(), { channelOverride: this.channel(address) });
      byAddress.set(address, client);
    }
    return client;
  }

  private channel(address: string): grpc.Channel {
    let channel = this.channels.get(address);
    if (!channel) {
      channel = new grpc.Channel(address, grpc.credentials.createInsecure(), {
        'grpc.max_receive_message_length': this.config.maxReceiveMessageBytes,
        'grpc.max_send_message_length': -1,
        'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
        'grpc.primary_user_agent': `samsa-client/${this.config.clientId}`,
        'grpc.enable_retries': 0,
        // grpc-js backs off reconnects up to 120 s by default; a restarted node must be reachable again quickly.
        'grpc.initial_reconnect_backoff_ms': Math.max(1, this.config.retryBackoffMs),
        'grpc.max_reconnect_backoff_ms': Math.max(1, this.config.retryBackoffMs, this.config.retryBackoffMaxMs),
      });
      this.channels.set(address, channel);
    }
    return channel;
  }
}
