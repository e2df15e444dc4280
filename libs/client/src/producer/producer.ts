/**
 * Producer: Kafka's KafkaProducer for Samsa. `send()` runs interceptors → serializers →
 * partitioner, reserves buffer memory (waiting up to maxBlockMs), and appends the record to its
 * partition's batch; the Sender ships batches over ProduceStream. Idempotence is on by default,
 * so retries never duplicate or reorder records. `flush()` sends everything now and waits;
 * `close()` drains within its timeout and releases every channel and timer.
 */
import { isSamsaError, SamsaError, silentLogger, type Logger } from '@samsa/common';
import { choosePartition, type TopicPartitions } from '@samsa/partitioners';
import { ErrorCode } from '@samsa/proto';
import { RECORD_BATCH_HEADER_SIZE } from '@samsa/records';
import { Connection } from '../connection/connection.js';
import type { ClusterView, TopicInfo } from '../connection/cluster-metadata.js';
import { RecordAccumulator } from './accumulator.js';
import { BatchSink, callBack, CallbackSink, PromiseSink, type CallbackContext, type DeliverySink, type SendCallback } from './delivery-sink.js';
import { BufferPool } from './buffer-pool.js';
import { BlockedSend, emptyPrepared, normalizeHeaders, type Placing, type Prepared } from './prepared-record.js';
import { estimateRecordSize, type ProducerBatch, type RecordMetadata } from './producer-batch.js';
import { IdempotentIdentity } from './producer-identity.js';
import { resolveProducerOptions, type ProducerOptions, type ProducerRecord, type ResolvedProducerOptions } from './producer-options.js';
import { Sender } from './sender.js';

export class Producer<K = Buffer | null, V = Buffer | null> {
  private readonly options: ResolvedProducerOptions<K, V>;
  private readonly connection: Connection;
  private readonly accumulator: RecordAccumulator;
  private readonly pool: BufferPool;
  private readonly sender: Sender;
  private readonly logger: Logger;
  private readonly partitionsCache = new WeakMap<ClusterView, Map<string, TopicPartitions>>();
  /** The topic placed last: a run of records for one topic skips the topic lookup and both partition-map lookups. */
  private lastPartitions: { view: ClusterView; topic: TopicInfo; partitions: TopicPartitions } | undefined;
  private closing: Promise<void> | undefined;
  /** send() and sendBatch() calls not wholly in batches yet (waiting for topic metadata or for buffer memory): flush() and close() wait for them too. */
  private readonly placing = new Set<Placing>();
  /** Appends a blocked send once the pool grants its memory. */
  private readonly appendGranted = (prepared: Prepared, sink: DeliverySink) => void this.append(prepared, sink, 0, Date.now());
  private fatal: Error | undefined;
  /** Shared by every send(record, callback) (and `observe` by sendBatch()): interceptors first, and a callback that throws is logged. */
  private readonly callbacks: CallbackContext;
  /** The prepared record of the synchronous path, reused: a record that must wait is copied out of it. */
  private readonly scratch = emptyPrepared();

  constructor(options: ProducerOptions<K, V>) {
    this.options = resolveProducerOptions(options);
    const o = this.options;
    this.logger = (o.logger ?? silentLogger).child({ component: 'Producer', clientId: o.clientId });
    this.callbacks = {
      observe: o.interceptors.length > 0 ? (metadata, error) => this.onAcknowledgement(metadata, error) : undefined,
      thrown: (error) => this.logger.warn({ err: error }, 'a send() callback threw; ignored'),
    };
    this.connection = new Connection({ ...o, logger: this.logger });
    this.accumulator = new RecordAccumulator(o.batchSize, o.compression, !o.idempotent);
    this.pool = new BufferPool(o.bufferMemory);
    const identity = o.idempotent
      ? new IdempotentIdentity(this.connection, this.logger, () => this.sender.wake(), (error) => this.failAll(new SamsaError(isSamsaError(error) ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR, `the producer could not get a producer id: ${error.message}`, { retriable: false })))
      : null;
    this.sender = new Sender(
      { acks: o.acks, lingerMs: o.lingerMs, retries: o.retries, deliveryTimeoutMs: o.deliveryTimeoutMs, requestTimeoutMs: o.requestTimeoutMs, maxInFlight: o.maxInFlightRequestsPerConnection, maxRequestSize: o.maxRequestSize, compression: o.compression, retryBackoffMs: o.retryBackoffMs, retryBackoffMaxMs: o.retryBackoffMaxMs },
      this.accumulator,
      this.connection,
      identity,
      (batch) => {
        // Recycled first: a send waiting for the memory released next may open a batch with it.
        this.accumulator.recycle(batch, Math.ceil(o.bufferMemory / Math.max(1, o.batchSize)));
        this.pool.release(batch.reservedBytes);
      },
      this.logger,
    );
  }

  /** Whether idempotence is in effect (on by default; off when acks, retries or in-flight settings conflict and it was not asked for). */
  get idempotent(): boolean {
    return this.options.idempotent;
  }

  /**
   * Sends one record; resolves once it is acknowledged per `acks` with its partition and offset.
   * With a `callback` (Kafka's `send(record, callback)`) there is no promise: the callback gets the
   * error or the metadata, always asynchronously — the cheapest way to send a record at a time.
   */
  send(record: ProducerRecord<K, V>): Promise<RecordMetadata>;
  send(record: ProducerRecord<K, V>, callback: SendCallback): void;
  send(record: ProducerRecord<K, V>, callback?: SendCallback): Promise<RecordMetadata> | undefined {
    const refused = this.refusal();
    if (refused) return this.settle(Promise.reject(refused), callback);
    const now = Date.now();
    const interceptors = this.options.interceptors.length > 0;
    const intercepted = interceptors ? this.onSend(record) : record;
    let promise: Promise<RecordMetadata>;
    try {
      // Fast path, no extra promise: topic known and buffer memory free; the record follows its
      // batch, or its callback waits in the batch.
      const topic = this.knownTopic(intercepted.topic, now);
      const prepared = topic ? this.prepare(intercepted, topic, now, this.scratch) : undefined;
      if (prepared && this.pool.tryReserve(prepared.reserved)) {
        if (callback) {
          this.append(prepared, new CallbackSink(callback, this.callbacks), 0, now);
          return undefined;
        }
        promise = this.append(prepared, null, 0, now).follow();
      } else {
        const sink = new PromiseSink();
        // Buffer memory full: the record (copied out of the scratch) waits in the pool's queue and joins its batch when granted.
        if (prepared) this.pool.enqueue(new BlockedSend({ ...prepared }, sink, this.placing, this.appendGranted), now + this.options.maxBlockMs - Date.now());
        else void this.appendSlowly(intercepted, now, sink);
        promise = sink.promise;
      }
    } catch (error) {
      promise = Promise.reject(error as Error);
    }
    if (interceptors) {
      promise = promise.then(
        (metadata) => (this.onAcknowledgement(metadata, undefined), metadata),
        (error: Error) => {
          this.onAcknowledgement(undefined, error);
          throw error;
        },
      );
    }
    return this.settle(promise, callback);
  }

  /** A send() off the fast path: its promise, or with a callback, nothing (the promise calls it back). */
  private settle(promise: Promise<RecordMetadata>, callback: SendCallback | undefined): Promise<RecordMetadata> | undefined {
    if (!callback) return promise;
    const context = this.callbacks;
    promise.then(
      (metadata) => callBack(callback, context, undefined, metadata),
      (error: Error) => callBack(callback, context, error, undefined),
    );
    return undefined;
  }

  /**
   * Sends many records with one promise (cheaper than a send() per record): resolves with every
   * record's metadata, in the order given, once all are acknowledged; rejects with the first
   * failure once every record has settled. Not atomic: acknowledged records stay written.
   * Records without a timestamp get the call's time (read again only after the call waited).
   */
  async sendBatch(records: ReadonlyArray<ProducerRecord<K, V>>): Promise<RecordMetadata[]> {
    const refused = this.refusal();
    if (refused) throw refused;
    const interceptors = this.options.interceptors.length > 0;
    const sink = new BatchSink(records.length, this.callbacks.observe);
    // Until its last record is in a batch, the call is one of `placing`: flush() and close() wait for all of it.
    this.placing.add(sink);
    // One clock reading for the call (Date.now() per record cost ~12% of this loop); read again only after a wait.
    let now = Date.now();
    try {
      for (let slot = 0; slot < records.length; slot++) {
        const started = now;
        try {
          if (this.fatal) throw this.fatal;
          const record = interceptors ? this.onSend(records[slot] as ProducerRecord<K, V>) : (records[slot] as ProducerRecord<K, V>);
          let topic = this.knownTopic(record.topic, started);
          if (topic === undefined) {
            topic = await this.topic(record.topic, started + this.options.maxBlockMs);
            now = Date.now();
          }
          let prepared = this.prepare(record, topic, started, this.scratch);
          if (!this.pool.tryReserve(prepared.reserved)) {
            prepared = { ...prepared }; // the scratch is not ours across a wait
            await this.reserveSlowly(prepared, started);
            now = Date.now();
          }
          this.append(prepared, sink, slot, now);
        } catch (error) {
          sink.failed(slot, error as Error);
          now = Date.now(); // the failure may have come after a wait (maxBlockMs)
        }
      }
    } finally {
      this.placing.delete(sink);
    }
    return sink.promise;
  }

  /**
   * Makes every buffered record ready now and resolves when all records sent before the call are
   * complete (acknowledged or failed), including records of send() and sendBatch() calls still
   * waiting for topic metadata or buffer memory.
   */
  async flush(): Promise<void> {
    const pending = [...this.accumulator.queued(), ...this.sender.inFlightBatches()].map((batch) => batch.whenDone());
    for (const sink of this.placing) pending.push(sink.promise.then(ignore, ignore));
    if (pending.length === 0) return;
    this.sender.flushing++;
    this.sender.wake();
    try {
      await Promise.all(pending);
    } finally {
      this.sender.flushing--;
    }
  }

  /**
   * Stops accepting records, sends what is buffered (and what waits for buffer memory) and waits
   * up to `timeoutMs` (default: no limit) for it; records still unsent then fail. Releases every
   * channel and timer. Idempotent.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutDown(options.timeoutMs ?? Infinity);
    return this.closing;
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const drained = this.flush().then(() => true);
    const expired = new Promise<boolean>((resolve) => {
      if (timeoutMs !== Infinity) timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs));
    });
    const complete = await Promise.race([drained, expired]);
    if (timer) clearTimeout(timer);
    if (!complete) this.failAll(new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `the producer was closed before these records were delivered (close timeout ${timeoutMs} ms)`, { retriable: false }));
    this.sender.close();
    this.connection.close();
    for (const interceptor of this.options.interceptors) this.guard(() => interceptor.close?.());
    this.options.partitioner.close?.();
  }

  private failAll(error: Error): void {
    this.fatal ??= error;
    this.pool.failWaiters(error);
    for (const batch of [...this.accumulator.clear(), ...this.sender.inFlightBatches()]) {
      batch.fail(error);
      this.pool.release(batch.reservedBytes);
    }
  }

  private refusal(): Error | undefined {
    if (this.closing) return new SamsaError(ErrorCode.INVALID_REQUEST, 'cannot send: the producer is closed', { retriable: false });
    return this.fatal;
  }

  /** A send() of a topic not in the metadata yet: waits for it (and buffer memory), then appends; failures go to the sink. */
  private async appendSlowly(record: ProducerRecord<K, V>, started: number, sink: PromiseSink): Promise<void> {
    this.placing.add(sink);
    try {
      const prepared = this.prepare(record, await this.topic(record.topic, started + this.options.maxBlockMs), started, emptyPrepared());
      if (!this.pool.tryReserve(prepared.reserved)) await this.reserveSlowly(prepared, started);
      this.append(prepared, sink, 0, Date.now());
    } catch (error) {
      sink.failed(0, error as Error);
    } finally {
      this.placing.delete(sink);
    }
  }

  /** Waits for buffer memory until maxBlockMs after `started` (a call made before close() is still drained). */
  private async reserveSlowly(prepared: Prepared, started: number): Promise<void> {
    await this.pool.reserve(prepared.reserved, started + this.options.maxBlockMs - Date.now());
    if (this.fatal) {
      this.pool.release(prepared.reserved);
      throw this.fatal;
    }
  }

  /** Serializes and partitions `record` (interceptors have run) into `target`, which it returns. */
  private prepare(record: ProducerRecord<K, V>, topic: TopicInfo, started: number, target: Prepared): Prepared {
    const o = this.options;
    const key = record.key === undefined ? null : o.keySerializer.serialize(record.key, record.topic);
    const value = o.valueSerializer.serialize(record.value, record.topic);
    const headers = record.headers === undefined ? undefined : normalizeHeaders(record.headers);
    const view = this.connection.cached as ClusterView;
    const explicit = record.partition !== undefined && record.partition !== null;
    let partition: number;
    try {
      partition = choosePartition(o.partitioner, { topic: record.topic, key, valueSizeBytes: value?.length ?? 0, partition: explicit ? record.partition : null }, this.topicPartitions(view, topic));
    } catch (error) {
      throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, (error as Error).message, { retriable: false });
    }
    const size = estimateRecordSize(key, value, headers);
    if (size + RECORD_BATCH_HEADER_SIZE > o.maxRequestSize) {
      throw new SamsaError(ErrorCode.MESSAGE_TOO_LARGE, `the record is ${size} bytes when serialized, more than maxRequestSize (${o.maxRequestSize})`, { retriable: false });
    }
    target.topic = record.topic;
    target.partition = partition;
    target.explicit = explicit;
    target.key = key;
    target.value = value;
    target.headers = headers;
    target.timestamp = record.timestamp ?? started;
    target.reserved = size;
    return target;
  }

  /** Appends a prepared record that holds its buffer memory; its fate goes to `sink` (null: take `batch.follow()` now). */
  private append(prepared: Prepared, sink: DeliverySink | null, slot: number, now: number): ProducerBatch {
    const { topic, partition } = prepared;
    const batch = this.accumulator.append(topic, partition, prepared, sink, slot, now);
    if (!prepared.explicit) this.options.partitioner.onAppend?.({ topic, key: prepared.key, partition, appendedBytes: prepared.reserved, lastBatchFull: batch.isFull });
    if (batch.isFull || batch.recordCount === 1) this.sender.wake();
    return batch;
  }

  /** The topic from cached metadata (a stale cache refreshes in the background), or undefined. */
  private knownTopic(name: string, now: number): TopicInfo | undefined {
    const view = this.connection.cached;
    if (!view || this.connection.closed) return undefined;
    this.connection.refreshIfOld(now);
    const last = this.lastPartitions;
    if (last !== undefined && last.view === view && last.topic.name === name) return last.topic;
    return view.topics.get(name);
  }

  /** Topic metadata, waiting (with retries) up to the deadline for a topic not yet known. */
  private async topic(name: string, deadlineMs: number): Promise<TopicInfo> {
    try {
      return await this.connection.retry(() => this.connection.topic(name), { deadlineMs });
    } catch (error) {
      if (isSamsaError(error) && error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} not present in metadata after ${this.options.maxBlockMs} ms (maxBlockMs)`, { retriable: false });
      }
      throw error;
    }
  }

  private topicPartitions(view: ClusterView, topic: TopicInfo): TopicPartitions {
    const last = this.lastPartitions;
    if (last !== undefined && last.view === view && last.topic === topic) return last.partitions;
    let byTopic = this.partitionsCache.get(view);
    if (!byTopic) this.partitionsCache.set(view, (byTopic = new Map()));
    let partitions = byTopic.get(topic.name);
    if (!partitions) {
      partitions = { numPartitions: topic.partitions.length, availablePartitions: topic.partitions.filter((p) => p.leaderId >= 0).map((p) => p.partition) };
      byTopic.set(topic.name, partitions);
    }
    this.lastPartitions = { view, topic, partitions };
    return partitions;
  }

  private onSend(record: ProducerRecord<K, V>): ProducerRecord<K, V> {
    let current = record;
    for (const interceptor of this.options.interceptors) {
      if (interceptor.onSend) current = this.guard(() => interceptor.onSend?.(current)) ?? current;
    }
    return current;
  }

  private onAcknowledgement(metadata: RecordMetadata | undefined, error: Error | undefined): void {
    for (const interceptor of this.options.interceptors) this.guard(() => interceptor.onAcknowledgement?.(metadata, error));
  }

  private guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.logger.warn({ err: error }, 'producer interceptor threw; ignored');
      return undefined;
    }
  }
}

const ignore = (): void => undefined;

export type { ProducerBatch };
