/**
 * Sender: moves ready batches from the accumulator to partition leaders over one ProduceStream
 * per node, and decides each batch's fate from its partition's answer — complete, retry (after
 * backoff, in order, re-routed by the leader hint or fresh metadata), or fail (non-retriable,
 * out of retries, or past delivery.timeout.ms). Runs on events (append, answer, timer), never on
 * a polling loop; holds a timer only while batches are pending.
 */
import { isRetriable, SamsaError, type Logger } from '@samsa/common';
import { ErrorCode, type storage } from '@samsa/proto';
import type { CompressionType } from '@samsa/records';
import type { Connection } from '../connection/connection.js';
import { backoffMs } from '../connection/retry.js';
import type { RecordAccumulator } from './accumulator.js';
import { NodeStream } from './node-stream.js';
import type { ProducerBatch } from './producer-batch.js';
import type { IdempotentIdentity } from './producer-identity.js';

export interface SenderSettings {
  acks: number;
  lingerMs: number;
  retries: number;
  deliveryTimeoutMs: number;
  requestTimeoutMs: number;
  maxInFlight: number;
  maxRequestSize: number;
  compression: CompressionType;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
}

export class Sender {
  private readonly streams = new Map<number, NodeStream>();
  private readonly inFlight = new Set<ProducerBatch>();
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private refreshing = false;
  private metadataAttempts = 0;
  flushing = 0;
  private closed = false;

  constructor(
    private readonly settings: SenderSettings,
    private readonly accumulator: RecordAccumulator,
    private readonly connection: Connection,
    private readonly identity: IdempotentIdentity | null,
    private readonly release: (batch: ProducerBatch) => void,
    private readonly logger: Logger,
  ) {}

  /** Batches sent and not yet answered. */
  inFlightBatches(): ProducerBatch[] {
    return [...this.inFlight];
  }

  /** Runs a drain pass soon (coalesces many wakes into one pass). */
  wake(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  /** Stops sending: cancels timers and streams (pending requests fail and their batches are failed by the caller). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const stream of this.streams.values()) stream.close();
    this.streams.clear();
  }

  private run(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const batch of this.accumulator.expire(now, this.settings.deliveryTimeoutMs)) this.finish(batch, batch.expiredError(this.settings.deliveryTimeoutMs, now));
    const identity = this.identity === null ? null : this.identity.get();
    const view = this.connection.cached;
    let nextReadyMs = Infinity;
    for (;;) {
      const result = this.accumulator.drain({
        now,
        lingerMs: this.settings.lingerMs,
        flushing: this.flushing > 0,
        maxInFlight: this.settings.maxInFlight,
        maxRequestSize: this.settings.maxRequestSize,
        leaderOf: (topic, partition) => {
          const leader = view === undefined ? -1 : (this.connection.partition(topic, partition)?.leaderId ?? -1);
          return leader >= 0 && this.connection.node(leader) ? leader : -1;
        },
        nodeAvailable: (nodeId) => (this.streams.get(nodeId)?.inFlight ?? 0) < this.settings.maxInFlight,
        identity,
      });
      nextReadyMs = result.nextReadyMs;
      if (result.unknownLeader || view === undefined) this.refreshMetadata();
      if (result.requests.size === 0) break;
      for (const [nodeId, batches] of result.requests) this.sendTo(nodeId, batches);
    }
    this.schedule(Math.min(nextReadyMs, this.accumulator.oldestCreatedAtMs() + this.settings.deliveryTimeoutMs));
  }

  private schedule(atMs: number): void {
    if (atMs === Infinity || this.closed) return;
    if (this.timer && this.timerAt <= atMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = atMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.run();
    }, Math.max(0, atMs - Date.now()));
  }

  private refreshMetadata(): void {
    if (this.refreshing || this.closed) return;
    this.refreshing = true;
    const wait = this.metadataAttempts === 0 ? 0 : backoffMs(this.metadataAttempts - 1, this.settings);
    this.metadataAttempts++;
    void this.connection
      .sleep(wait)
      .then(() => this.connection.metadata({ force: true }))
      .then(
        () => undefined,
        (error: unknown) => this.logger.debug({ error: (error as Error).message }, 'metadata refresh failed'),
      )
      .finally(() => {
        this.refreshing = false;
        this.wake();
      });
  }

  private stream(nodeId: number): NodeStream {
    let stream = this.streams.get(nodeId);
    if (!stream) {
      stream = new NodeStream(nodeId, () => this.connection.storage(nodeId), this.settings.requestTimeoutMs, this.settings.maxInFlight);
      this.streams.set(nodeId, stream);
    }
    return stream;
  }

  private sendTo(nodeId: number, entries: ProducerBatch[][]): void {
    const topics = new Map<string, Array<{ partition: number; records: Buffer[] }>>();
    for (const batches of entries) {
      const first = batches[0] as ProducerBatch;
      for (const batch of batches) {
        batch.attempts++;
        this.inFlight.add(batch);
      }
      let partitions = topics.get(first.topic);
      if (!partitions) topics.set(first.topic, (partitions = []));
      const blobs = batches.map((batch) => batch.build());
      partitions.push({ partition: first.partition, records: blobs });
    }
    const request = { acks: this.settings.acks, timeoutMs: this.settings.requestTimeoutMs, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) };
    this.stream(nodeId).send(request, (outcome) => {
      const results = new Map<string, storage.ProducePartitionResult>();
      if (outcome.ok) for (const topic of outcome.topics) for (const partition of topic.partitions) results.set(`${topic.topic}\u0000${partition.partition}`, partition);
      for (const batches of entries) {
        const first = batches[0] as ProducerBatch;
        const queue = this.accumulator.queue(first.topic, first.partition);
        queue.inFlight--;
        queue.inFlightBatches -= batches.length;
        for (const batch of batches) this.inFlight.delete(batch);
        if (!outcome.ok) {
          for (const batch of batches) this.handle(batch, outcome.error.code, outcome.error.message, undefined, -1, -1);
          continue;
        }
        if (this.settings.acks === 0) {
          for (const batch of batches) this.finish(batch, undefined, -1, -1);
          continue;
        }
        const result = results.get(`${first.topic}\u0000${first.partition}`);
        // The batches were appended together, so their offsets follow each other.
        let baseOffset = result?.baseOffset ?? -1;
        for (const batch of batches) {
          if (!result) this.handle(batch, ErrorCode.UNKNOWN_SERVER_ERROR, 'the answer did not mention this partition', undefined, -1, -1);
          else if (result.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER && batches.length > 1) this.handle(batch, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, result.errorMessage, undefined, -1, -1);
          else this.handle(batch, result.errorCode, result.errorMessage, result.currentLeader, baseOffset, result.logAppendTimeMs);
          if (baseOffset >= 0) baseOffset += batch.recordCount;
        }
      }
      this.wake();
    });
  }

  private handle(batch: ProducerBatch, code: ErrorCode, message: string, hint: storage.LeaderHint | undefined, baseOffset: number, logAppendTimeMs: number): void {
    if (code === ErrorCode.NONE || code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      this.metadataAttempts = 0;
      return this.finish(batch, undefined, code === ErrorCode.NONE ? baseOffset : -1, logAppendTimeMs);
    }
    const now = Date.now();
    const error = new SamsaError(code, `${batch.topic}-${batch.partition}: ${message || ErrorCode[code]}`);
    const queue = this.accumulator.queue(batch.topic, batch.partition);
    // Out of order behind an earlier batch of ours that is being retried: not this batch's fault.
    const behindRetry = code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && this.identity !== null && (queue.batches.some((other) => other.order < batch.order) || [...this.inFlight].some((other) => other.topic === batch.topic && other.partition === batch.partition && other.order < batch.order));
    if (code === ErrorCode.UNKNOWN_PRODUCER_ID && this.identity !== null) this.identity.reset('the storage node no longer knows this producer id');
    const retriable = isRetriable(error) || behindRetry || (code === ErrorCode.UNKNOWN_PRODUCER_ID && this.identity !== null);
    if (!retriable || batch.attempts > this.settings.retries || now - batch.createdAtMs >= this.settings.deliveryTimeoutMs) {
      const final = now - batch.createdAtMs >= this.settings.deliveryTimeoutMs && retriable ? batch.expiredError(this.settings.deliveryTimeoutMs, now) : error;
      // A sequenced batch that will never be written leaves a gap: later batches need a fresh producer id.
      if (this.identity !== null && batch.producerId >= 0) this.identity.reset(`batch of ${batch.topic}-${batch.partition} failed: ${final.message}`);
      return this.finish(batch, final);
    }
    if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.FENCED_LEADER_EPOCH || code === ErrorCode.LEADER_NOT_AVAILABLE || code === ErrorCode.NETWORK_EXCEPTION || code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === ErrorCode.REQUEST_TIMED_OUT) {
      if (!this.connection.applyLeaderHint(batch.topic, batch.partition, hint)) this.refreshMetadata();
    }
    batch.retryAtMs = now + backoffMs(batch.attempts - 1, this.settings);
    this.logger.debug({ topic: batch.topic, partition: batch.partition, attempt: batch.attempts, code: ErrorCode[code] }, 'retrying batch');
    this.accumulator.requeue(batch);
  }

  private finish(batch: ProducerBatch, error: Error | undefined, baseOffset = -1, logAppendTimeMs = -1): void {
    if (error) batch.fail(error);
    else batch.complete(baseOffset, logAppendTimeMs);
    this.release(batch);
  }
}
