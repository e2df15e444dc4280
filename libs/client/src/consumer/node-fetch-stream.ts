/**
 * NodeFetchStream: one `StorageService.FetchStream` to one storage node, covering every fetchable
 * partition that node leads. The node pushes each partition's batches as they arrive, continuing
 * exactly where the previous push ended; this class tracks that continuation (`nextOffset`) per
 * partition and hands each push to the Fetcher.
 *
 * Contract:
 * - A stream's partition set and start offsets are fixed; the Fetcher replaces the stream to
 *   change them (`serves` tells whether the current one already matches).
 * - A partition the node reports an error for is no longer served by the node; it leaves
 *   `entries` before the handler runs.
 * - `pause()` stops reading; grpc-js then stops reading the HTTP/2 stream and flow control stops
 *   the node (up to grpc-js's 16-message readable buffer and the 8 MiB window may still arrive).
 * - After `cancel()` no handler runs again. `onEnd` runs once for an end the client did not ask
 *   for: OK when the node has no partition left, or the failure.
 */
import type * as grpc from '@grpc/grpc-js';
import type { SamsaError } from '@samsa/common';
import { ErrorCode, IsolationLevel, storage } from '@samsa/proto';
import { toSamsaError } from '../connection/grpc-call.js';
import { partitionKey, type PartitionKey } from './types.js';

export interface StreamPartition {
  key: PartitionKey;
  topic: string;
  partition: number;
  /** Where this stream starts reading the partition. */
  fetchOffset: number;
  /** The leader epoch from metadata, checked by the node (-1 = no check). */
  leaderEpoch: number;
  /** The PartitionState version the fetch was started under. */
  version: number;
}

export interface ActiveStreamPartition extends StreamPartition {
  /** Where the node's next push for this partition starts. */
  nextOffset: number;
}

export interface StreamLimits {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitionMaxBytes: number;
  readCommitted: boolean;
}

export interface NodeFetchStreamHandlers {
  /** Records for `entry`, read from `entry.nextOffset` (the handler advances it). */
  onRecords(stream: NodeFetchStream, entry: ActiveStreamPartition, data: storage.FetchPartitionData): void;
  onPartitionError(stream: NodeFetchStream, entry: ActiveStreamPartition, data: storage.FetchPartitionData): void;
  /** After each push: the place to apply back-pressure. */
  afterPush(stream: NodeFetchStream): void;
  onEnd(stream: NodeFetchStream, error: SamsaError | undefined): void;
}

export class NodeFetchStream {
  readonly entries = new Map<PartitionKey, ActiveStreamPartition>();
  private call: grpc.ClientReadableStream<storage.FetchStreamResponse> | undefined;
  private finished = false;
  private paused = false;

  constructor(
    readonly nodeId: number,
    partitions: readonly StreamPartition[],
    private readonly handlers: NodeFetchStreamHandlers,
  ) {
    for (const partition of partitions) this.entries.set(partition.key, { ...partition, nextOffset: partition.fetchOffset });
  }

  get isPaused(): boolean {
    return this.paused;
  }

  start(client: storage.StorageServiceClient, limits: StreamLimits): void {
    const topics = new Map<string, storage.FetchPartition[]>();
    for (const entry of this.entries.values()) {
      let list = topics.get(entry.topic);
      if (!list) topics.set(entry.topic, (list = []));
      list.push({ partition: entry.partition, fetchOffset: entry.fetchOffset, currentLeaderEpoch: entry.leaderEpoch, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: limits.partitionMaxBytes });
    }
    const request = storage.FetchStreamRequest.fromPartial({
      replicaId: -1,
      maxWaitMs: limits.maxWaitMs,
      minBytes: limits.minBytes,
      maxBytes: limits.maxBytes,
      isolationLevel: limits.readCommitted ? IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED : IsolationLevel.ISOLATION_LEVEL_READ_UNCOMMITTED,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
      clientRack: '',
    });
    const call = client.fetchStream(request);
    this.call = call;
    call.on('data', (response: storage.FetchStreamResponse) => this.onPush(response));
    // 'status' comes exactly once, for every end; 'error' duplicates it for failures.
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => {
      if (this.finished) return;
      this.finished = true;
      this.handlers.onEnd(this, status.code === 0 ? undefined : toSamsaError({ ...status, message: status.details }));
    });
  }

  /** True when this stream reads exactly `partitions` (same keys, versions and epochs) and the node still serves them all. */
  serves(partitions: readonly StreamPartition[]): boolean {
    if (this.finished || partitions.length !== this.entries.size) return false;
    return partitions.every((partition) => {
      const entry = this.entries.get(partition.key);
      return entry !== undefined && entry.version === partition.version && entry.leaderEpoch === partition.leaderEpoch;
    });
  }

  pause(): void {
    if (this.paused || this.finished) return;
    this.paused = true;
    this.call?.pause();
  }

  resume(): void {
    if (!this.paused || this.finished) return;
    this.paused = false;
    this.call?.resume();
  }

  /** Ends the stream; no handler runs afterwards. Idempotent. */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.call?.cancel();
  }

  private onPush(response: storage.FetchStreamResponse): void {
    if (this.finished) return;
    for (const topic of response.topics) {
      for (const data of topic.partitions) {
        const entry = this.entries.get(partitionKey(topic.topic, data.partition));
        if (!entry) continue;
        if (data.errorCode !== ErrorCode.NONE || data.divergingEpoch) {
          this.entries.delete(entry.key);
          this.handlers.onPartitionError(this, entry, data);
        } else if (data.records.length > 0) {
          this.handlers.onRecords(this, entry, data);
        }
        if (this.finished) return;
      }
    }
    this.handlers.afterPush(this);
  }
}
