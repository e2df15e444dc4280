/**
 * ReplicaFetchers: replication from the follower side (spec §6.2, §6.6). One fetch loop per
 * source (leader) node, batching every partition this node follows from it into one long-poll
 * Fetch with `replicaId` = this node. Each response is appended as the leader laid it out and the
 * leader's high watermark is taken (capped at our log end).
 *
 * Truncation first (KIP-101/279), never blindly to the high watermark. A partition *needs
 * truncation* when it became a follower or its leader or leader epoch changed since its last
 * truncation (the (leader, epoch) it was truncated for is remembered per partition, so every
 * change ReplicaManager reports through `onFollowerChange` leaves it pending). Each round of a
 * loop, before its Fetch:
 *   1. every pending partition of that leader goes into one batched `OffsetsForLeaderEpoch`
 *      (`leader_epoch` = the latest epoch in our leader-epoch cache, `current_leader_epoch` = the
 *      leader's epoch as our metadata knows it; a partition with no cached epoch has nothing to
 *      ask and truncates to its high watermark);
 *   2. each answer is turned into a truncation point by the pure rules in
 *      domain/follower-truncation.ts and the log is cut there; an answer naming an epoch we do not
 *      know cuts to our end of the epoch below and asks again at once (KIP-279's iterative step);
 *   3. a partition answered with an error (FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH,
 *      NOT_LEADER_OR_FOLLOWER, …) stays pending and is asked again after a bounded backoff
 *      (50 ms doubling to 1 s), or at once when new metadata gives it a new leader or epoch;
 *   4. only partitions that are not pending join the Fetch. A loop whose partitions are all
 *      pending waits out the nearest backoff (a metadata change, `refresh`, wakes it).
 * A Fetch response's `divergingEpoch` (the same check carried on Fetch, Kafka 2.7+) still cuts the
 * log: the second line of defence for divergence that arises mid-stream. Responses and answers
 * for a partition whose leader or epoch moved on while they were in flight are dropped.
 * Truncations that remove records are counted by source (`onTruncation`).
 */
import * as grpc from '@grpc/grpc-js';
import { isSamsaError, type Clock, type Logger } from '@samsa/common';
import { ErrorCode, IsolationLevel, storage } from '@samsa/proto';
import { epochToAsk, truncationForDivergingEpoch, truncationForEpochEnd, truncationWithoutEpochs, type TruncationStep } from '../domain/follower-truncation.js';
import type { Partition } from '../domain/partition.js';

/** How the follower found where to cut: the `source` label of samsa_follower_truncations_total. */
export type TruncationSource = 'offsets_for_leader_epoch' | 'diverging_epoch' | 'high_watermark';

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
  /** Called after every truncation that removed records. */
  onTruncation?(source: TruncationSource): void;
}

interface Loop {
  stop: AbortController;
  done: Promise<void>;
  /** Ends the loop's current backoff wait early (set while it waits). */
  wake?: () => void;
}

/** The follower state (leader, epoch) a truncation or a retry belongs to. */
interface FollowerView {
  leaderId: number;
  leaderEpoch: number;
}

interface Retry extends FollowerView {
  atMs: number;
  backoffMs: number;
}

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;
const REQUEST_TIMEOUT_MS = 10_000;

export class ReplicaFetchers {
  private readonly loops = new Map<number, Loop>();
  private readonly running = new Set<Promise<void>>();
  private readonly clients = new Map<string, storage.StorageServiceClient>();
  private readonly truncatedFor = new WeakMap<Partition, FollowerView>();
  private readonly retries = new WeakMap<Partition, Retry>();
  private stopped = false;

  constructor(private readonly options: FetcherOptions) {}

  /** Starts or stops fetch loops so that exactly the current leaders of followed partitions have one; wakes waiting loops. */
  refresh(): void {
    if (this.stopped) return;
    const leaders = new Set(this.options.followed().map((partition) => partition.leaderId).filter((id) => id >= 0 && id !== this.options.nodeId));
    for (const leader of leaders) {
      const existing = this.loops.get(leader);
      if (existing && !existing.stop.signal.aborted) {
        existing.wake?.();
        continue;
      }
      const loop: Loop = { stop: new AbortController(), done: Promise.resolve() };
      loop.done = this.run(leader, loop).finally(() => {
        this.running.delete(loop.done);
        if (this.loops.get(leader) === loop) this.loops.delete(leader);
      });
      this.running.add(loop.done);
      this.loops.set(leader, loop);
    }
    for (const [leader, loop] of this.loops) if (!leaders.has(leader)) loop.stop.abort();
  }

  /**
   * Whether `partition` must be truncated through OffsetsForLeaderEpoch before it may fetch: it
   * became a follower, or its leader or leader epoch changed, after its last truncation.
   */
  needsTruncation(partition: Partition): boolean {
    const done = this.truncatedFor.get(partition);
    return !done || done.leaderId !== partition.leaderId || done.leaderEpoch !== partition.leaderEpoch;
  }

  private client(address: string): storage.StorageServiceClient {
    let client = this.clients.get(address);
    if (!client) {
      client = new storage.StorageServiceFastClient(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc-node.flow_control_window': 8 * 1024 * 1024 });
      this.clients.set(address, client);
    }
    return client;
  }

  private async run(leader: number, loop: Loop): Promise<void> {
    const logger = this.options.logger.child({ component: 'ReplicaFetcher', leader });
    const signal = loop.stop.signal;
    let backoffMs = MIN_BACKOFF_MS;
    while (!signal.aborted) {
      const partitions = this.options.followed().filter((partition) => partition.leaderId === leader);
      if (partitions.length === 0) break;
      try {
        const address = this.options.addressOf(leader);
        if (!address) throw new Error(`no endpoint known for node ${leader}`);
        const client = this.client(address);
        await this.truncatePending(client, leader, partitions, signal, logger);
        const ready = partitions.filter((partition) => follows(partition, leader) && !this.needsTruncation(partition));
        if (ready.length === 0) {
          await this.pause(loop, this.untilNextRetry(partitions));
          continue;
        }
        const sent = new Map(ready.map((partition) => [partition, partition.leaderEpoch]));
        const response = await this.fetchOnce(client, ready, signal);
        await this.apply(leader, sent, response, logger);
        backoffMs = MIN_BACKOFF_MS;
      } catch (error) {
        if (signal.aborted) break;
        logger.debug({ err: error }, 'replica fetch failed; retrying');
        await this.pause(loop, backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Resolves after `ms`, when the loop is stopped, or when `refresh` wakes it. */
  private pause(loop: Loop, ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (loop.stop.signal.aborted) return resolve();
      const finish = () => {
        timer.cancel();
        loop.stop.signal.removeEventListener('abort', finish);
        if (loop.wake === finish) loop.wake = undefined;
        resolve();
      };
      const timer = this.options.clock.setTimer(ms, finish);
      loop.wake = finish;
      loop.stop.signal.addEventListener('abort', finish, { once: true });
    });
  }

  /** OffsetsForLeaderEpoch rounds for the partitions of `leader` that need truncation and are not backing off. */
  private async truncatePending(client: storage.StorageServiceClient, leader: number, partitions: Partition[], signal: AbortSignal, logger: Logger): Promise<void> {
    const now = this.options.clock.monotonicMs();
    let pending = partitions.filter((partition) => this.needsTruncation(partition) && !this.backingOff(partition, now));
    while (pending.length > 0 && !signal.aborted) {
      const asked = new Map<Partition, { leaderEpoch: number; epoch: number }>();
      for (const partition of pending) {
        if (!follows(partition, leader)) continue;
        const epoch = epochToAsk(partition.log);
        if (epoch !== undefined) {
          asked.set(partition, { leaderEpoch: partition.leaderEpoch, epoch });
          continue;
        }
        const leaderEpoch = partition.leaderEpoch;
        await this.truncate(partition, truncationWithoutEpochs(partition.log, partition.highWatermark), 'high_watermark', logger, {});
        this.markTruncated(partition, leader, leaderEpoch);
      }
      if (asked.size === 0) return;
      const response = await this.offsetsForLeaderEpoch(client, asked, signal);
      const again: Partition[] = [];
      const answered = new Set<Partition>();
      for (const topic of response.topics) {
        for (const result of topic.partitions) {
          const partition = [...asked.keys()].find((p) => p.topic === topic.topic && p.index === result.partition);
          const sent = partition && asked.get(partition);
          if (!partition || !sent || answered.has(partition)) continue;
          answered.add(partition);
          // The state moved on while we asked: the new (leader, epoch) is pending on its own.
          if (!follows(partition, leader, sent.leaderEpoch)) continue;
          const where = { topic: partition.topic, partition: partition.index, leaderEpoch: sent.leaderEpoch, askedEpoch: sent.epoch };
          if (result.errorCode !== ErrorCode.NONE) {
            const backoffMs = this.scheduleRetry(partition, leader, sent.leaderEpoch);
            logger.debug({ ...where, errorCode: ErrorCode[result.errorCode] ?? result.errorCode, error: result.errorMessage, backoffMs }, 'OffsetsForLeaderEpoch refused; retrying after backoff');
            continue;
          }
          const step = truncationForEpochEnd({ epoch: result.leaderEpoch, endOffset: result.endOffset }, partition.log, partition.highWatermark);
          await this.truncate(partition, step, 'offsets_for_leader_epoch', logger, { ...where, answer: { epoch: result.leaderEpoch, endOffset: result.endOffset } });
          // KIP-279: an epoch we did not know was cut away; ask again with the (lower) epoch now latest.
          if (!step.complete && partition.log.latestEpoch < sent.epoch) again.push(partition);
          else this.markTruncated(partition, leader, sent.leaderEpoch);
        }
      }
      for (const [partition, sent] of asked) if (!answered.has(partition) && follows(partition, leader, sent.leaderEpoch)) this.scheduleRetry(partition, leader, sent.leaderEpoch);
      pending = again;
    }
  }

  private offsetsForLeaderEpoch(client: storage.StorageServiceClient, asked: Map<Partition, { leaderEpoch: number; epoch: number }>, signal: AbortSignal): Promise<storage.OffsetsForLeaderEpochResponse> {
    const byTopic = new Map<string, storage.OffsetsForLeaderEpochPartition[]>();
    for (const [partition, sent] of asked) {
      const list = byTopic.get(partition.topic) ?? [];
      list.push({ partition: partition.index, currentLeaderEpoch: sent.leaderEpoch, leaderEpoch: sent.epoch });
      byTopic.set(partition.topic, list);
    }
    const request = storage.OffsetsForLeaderEpochRequest.fromPartial({ replicaId: this.options.nodeId, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
    return unary(signal, (callback) => client.offsetsForLeaderEpoch(request, new grpc.Metadata(), { deadline: Date.now() + REQUEST_TIMEOUT_MS }, callback));
  }

  private markTruncated(partition: Partition, leaderId: number, leaderEpoch: number): void {
    this.truncatedFor.set(partition, { leaderId, leaderEpoch });
    this.retries.delete(partition);
  }

  private backingOff(partition: Partition, now: number): boolean {
    const retry = this.retries.get(partition);
    return retry !== undefined && retry.leaderId === partition.leaderId && retry.leaderEpoch === partition.leaderEpoch && retry.atMs > now;
  }

  /** Returns the backoff chosen: doubling per refusal of the same (leader, epoch), reset by a new one. */
  private scheduleRetry(partition: Partition, leaderId: number, leaderEpoch: number): number {
    const previous = this.retries.get(partition);
    const same = previous !== undefined && previous.leaderId === leaderId && previous.leaderEpoch === leaderEpoch;
    const backoffMs = same ? Math.min(previous.backoffMs * 2, MAX_BACKOFF_MS) : MIN_BACKOFF_MS;
    this.retries.set(partition, { leaderId, leaderEpoch, backoffMs, atMs: this.options.clock.monotonicMs() + backoffMs });
    return backoffMs;
  }

  /** How long until the nearest pending partition may be asked again. */
  private untilNextRetry(partitions: Partition[]): number {
    const now = this.options.clock.monotonicMs();
    let wait = MAX_BACKOFF_MS;
    for (const partition of partitions) {
      if (!this.needsTruncation(partition)) continue;
      wait = Math.min(wait, this.backingOff(partition, now) ? (this.retries.get(partition) as Retry).atMs - now : MIN_BACKOFF_MS);
    }
    return Math.max(1, wait);
  }

  /** Cuts the log at `step.offset` (nothing when that is its end), resets the high watermark below it, counts it. */
  private async truncate(partition: Partition, step: TruncationStep, source: TruncationSource, logger: Logger, details: Record<string, unknown>): Promise<void> {
    const log = partition.log;
    const from = log.logEndOffset;
    if (step.offset >= from) {
      logger.debug({ ...details, topic: partition.topic, partition: partition.index, logEndOffset: from, source, rule: step.rule }, 'no divergent log tail');
      return;
    }
    logger.info({ ...details, topic: partition.topic, partition: partition.index, from, to: step.offset, source, rule: step.rule }, 'truncating a divergent log tail');
    await log.truncateTo(step.offset);
    partition.resetHighWatermarkTo(log.logEndOffset);
    this.options.onTruncation?.(source);
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
    return unary(signal, (callback) => client.fetch(request, new grpc.Metadata(), { deadline: Date.now() + this.options.maxWaitMs + REQUEST_TIMEOUT_MS }, callback));
  }

  /** `sent`: the partitions fetched, with the leader epoch each was fetched at. */
  private async apply(leader: number, sent: Map<Partition, number>, response: storage.FetchResponse, logger: Logger): Promise<void> {
    for (const topic of response.topics) {
      for (const data of topic.partitions) {
        const partition = [...sent.keys()].find((p) => p.topic === topic.topic && p.index === data.partition);
        // Dropped when the leader or epoch moved on while the fetch was in flight (truncation comes first then).
        if (!partition || !follows(partition, leader, sent.get(partition)) || this.needsTruncation(partition)) continue;
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
      const { epoch, endOffset } = data.divergingEpoch;
      await this.truncate(partition, truncationForDivergingEpoch({ epoch, endOffset }, log), 'diverging_epoch', logger, { divergingEpoch: { epoch, endOffset } });
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
    await Promise.all([...this.running]);
    for (const client of this.clients.values()) client.close();
  }
}

/** Whether `partition` still follows `leader` (at `leaderEpoch`, when given). */
function follows(partition: Partition, leader: number, leaderEpoch?: number): boolean {
  return partition.role === 'follower' && partition.leaderId === leader && (leaderEpoch === undefined || partition.leaderEpoch === leaderEpoch);
}

/** A unary call that `signal` cancels; the abort listener is removed once the call ends. */
function unary<T>(signal: AbortSignal, start: (callback: (error: grpc.ServiceError | null, response: T) => void) => grpc.ClientUnaryCall): Promise<T> {
  return new Promise((resolve, reject) => {
    const cancel = () => call.cancel();
    const call = start((error, response) => {
      signal.removeEventListener('abort', cancel);
      if (error) reject(error);
      else resolve(response);
    });
    signal.addEventListener('abort', cancel, { once: true });
    if (signal.aborted) cancel();
  });
}
