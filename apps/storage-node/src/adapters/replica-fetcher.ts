/**
 * ReplicaFetchers: replication from the follower side (spec §6.2, §6.6). One fetch loop per
 * source (leader) node, batching every partition this node follows from it into one long-poll
 * Fetch with `replicaId` = this node. Each response is appended as the leader laid it out; the
 * leader's high watermark is taken (capped at our log end); a `divergingEpoch` makes the follower
 * truncate to where its log and the leader's agree — found through both leader-epoch caches
 * (KIP-101/279, carried on Fetch as in Kafka 2.7+), never blindly to the high watermark.
 */
import * as grpc from '@grpc/grpc-js';
import { isSamsaError, type Clock, type Logger } from '@samsa/common';
import { ErrorCode, IsolationLevel, storage } from '@samsa/proto';
import type { Partition } from '../domain/partition.js';

export interface FetcherOptions {
  nodeId: number;
  clock: Clock;
  logger: Logger;
  maxWaitMs: number;
  maxBytes: number;
  /** host:port of a node, from the metadata. */
  addressOf(nodeId: number): string | undefined;
  /** Partitions this node currently follows. */
  followed(): Partition[];
}

export class ReplicaFetchers {
  private readonly loops = new Map<number, { stop: AbortController; done: Promise<void> }>();
  private readonly clients = new Map<string, storage.StorageServiceClient>();
  private stopped = false;

  constructor(private readonly options: FetcherOptions) {}

  /** Starts or stops fetch loops so that exactly the current leaders of followed partitions have one. */
  refresh(): void {
    if (this.stopped) return;
    const leaders = new Set(this.options.followed().map((partition) => partition.leaderId).filter((id) => id >= 0 && id !== this.options.nodeId));
    for (const leader of leaders) {
      if (this.loops.has(leader)) continue;
      const stop = new AbortController();
      this.loops.set(leader, { stop, done: this.run(leader, stop.signal) });
    }
    for (const [leader, loop] of this.loops) if (!leaders.has(leader)) loop.stop.abort();
  }

  private client(address: string): storage.StorageServiceClient {
    let client = this.clients.get(address);
    if (!client) {
      client = new storage.StorageServiceClient(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc-node.flow_control_window': 8 * 1024 * 1024 });
      this.clients.set(address, client);
    }
    return client;
  }

  private async run(leader: number, signal: AbortSignal): Promise<void> {
    const logger = this.options.logger.child({ component: 'ReplicaFetcher', leader });
    let backoffMs = 50;
    while (!signal.aborted) {
      const partitions = this.options.followed().filter((partition) => partition.leaderId === leader);
      const address = this.options.addressOf(leader);
      if (partitions.length === 0) break;
      try {
        if (!address) throw new Error(`no endpoint known for node ${leader}`);
        const response = await this.fetchOnce(this.client(address), partitions, signal);
        await this.apply(partitions, response, logger);
        backoffMs = 50;
      } catch (error) {
        if (signal.aborted) break;
        logger.debug({ err: error }, 'replica fetch failed; retrying');
        await this.options.clock.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 1000);
      }
    }
    this.loops.delete(leader);
  }

  private fetchOnce(client: storage.StorageServiceClient, partitions: Partition[], signal: AbortSignal): Promise<storage.FetchResponse> {
    const byTopic = new Map<string, storage.FetchPartition[]>();
    for (const partition of partitions) {
      const list = byTopic.get(partition.topic) ?? [];
      list.push({
        partition: partition.index,
        fetchOffset: partition.log.logEndOffset,
        currentLeaderEpoch: partition.leaderEpoch,
        lastFetchedEpoch: partition.log.latestEpoch,
        logStartOffset: partition.log.logStartOffset,
        partitionMaxBytes: this.options.maxBytes,
      });
      byTopic.set(partition.topic, list);
    }
    const request = storage.FetchRequest.fromPartial({
      replicaId: this.options.nodeId,
      maxWaitMs: this.options.maxWaitMs,
      minBytes: 1,
      maxBytes: this.options.maxBytes * Math.max(1, partitions.length),
      isolationLevel: IsolationLevel.ISOLATION_LEVEL_READ_UNCOMMITTED,
      topics: [...byTopic].map(([topic, list]) => ({ topic, partitions: list })),
    });
    return new Promise((resolve, reject) => {
      const call = client.fetch(request, new grpc.Metadata(), { deadline: Date.now() + this.options.maxWaitMs + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
      signal.addEventListener('abort', () => call.cancel(), { once: true });
    });
  }

  private async apply(partitions: Partition[], response: storage.FetchResponse, logger: Logger): Promise<void> {
    for (const topic of response.topics) {
      for (const data of topic.partitions) {
        const partition = partitions.find((p) => p.topic === topic.topic && p.index === data.partition);
        if (!partition || partition.role !== 'follower') continue;
        try {
          await this.applyPartition(partition, data, logger);
        } catch (error) {
          if (!isSamsaError(error)) throw error;
          logger.warn({ err: error, topic: topic.topic, partition: data.partition }, 'could not apply replicated data');
        }
      }
    }
  }

  private async applyPartition(partition: Partition, data: storage.FetchPartitionData, logger: Logger): Promise<void> {
    const log = partition.log;
    if (data.divergingEpoch) {
      const own = log.endOffsetForEpoch(data.divergingEpoch.epoch);
      const target = own.epoch === data.divergingEpoch.epoch ? Math.min(data.divergingEpoch.endOffset, own.startOffset) : own.startOffset < 0 ? data.divergingEpoch.endOffset : own.startOffset;
      const truncateTo = Math.min(Math.max(target, log.logStartOffset), log.logEndOffset);
      logger.info({ topic: partition.topic, partition: partition.index, from: log.logEndOffset, to: truncateTo, divergingEpoch: data.divergingEpoch }, 'truncating a divergent log tail');
      await log.truncateTo(truncateTo);
      partition.resetHighWatermarkTo(log.logEndOffset);
      return;
    }
    if (data.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (log.logEndOffset < data.logStartOffset) await log.truncateFullyAndStartAt(data.logStartOffset);
      else if (log.logEndOffset > data.logEndOffset && data.logEndOffset >= 0) await log.truncateTo(data.logEndOffset);
      return;
    }
    if (data.errorCode !== ErrorCode.NONE) return;
    if (data.records.length > 0) {
      await log.append(data.records, { origin: 'replica' });
      partition.changes.notify();
    }
    partition.updateFollowerHighWatermark(data.highWatermark);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const loop of this.loops.values()) loop.stop.abort();
    await Promise.all([...this.loops.values()].map((loop) => loop.done));
    for (const client of this.clients.values()) client.close();
  }
}
