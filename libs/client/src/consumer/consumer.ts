/**
 * Consumer: Kafka's KafkaConsumer for Samsa, in assign mode — the application picks partitions
 * with `assign`, reads with `poll` (or `for await`), moves with seek/seekToBeginning/seekToEnd,
 * and pauses/resumes partitions. Records are prefetched over one FetchStream per leader node
 * (see Fetcher) into a bounded buffer.
 *
 * Guarantees:
 * - A partition's position moves only by seek, reset, or records handed to the application, so
 *   every record is handed out once, in offset order per partition, across leader changes and
 *   node failures. The async iterator hands out one record per step, so leaving a `for await`
 *   early never skips a record.
 * - Positions start unset and are resolved with ListOffsets per autoOffsetReset (or
 *   seekToBeginning/seekToEnd); with 'none' poll throws OFFSET_OUT_OF_RANGE until a seek.
 * - `close()` cancels every stream and timer and closes the channels; every later call throws.
 *
 * Group membership will add `subscribe()`: the group coordinator's assignment feeds the same
 * PartitionStates through `assign` (Kafka's SubscriptionState serves both modes).
 *
 * Calls may overlap (a seek or pause while a poll waits is fine): each applies its state changes
 * synchronously, so a record is never handed out twice; overlapping polls split the records.
 */
import { SamsaError, silentLogger, type Logger } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { Connection } from '../connection/connection.js';
import { closedError } from '../connection/retry.js';
import type { FetchedRecord } from './completed-fetch.js';
import { resolveConsumerOptions, type ConsumerConfig, type ConsumerOptions } from './consumer-options.js';
import { Fetcher } from './fetcher.js';
import { PartitionStates, type PartitionState } from './partition-states.js';
import { collectRecords } from './record-collector.js';
import { describePartition, partitionKey, type ConsumerRecord, type TopicPartition } from './types.js';
import { Wakeup } from './wakeup.js';

export interface PollOptions {
  /** Most records to return; default maxPollRecords. */
  maxRecords?: number;
  /** How long to wait for records when none are buffered, in ms; 0 = do not wait. */
  timeoutMs: number;
}

/** How long one step of the async iterator waits before checking again (it keeps waiting). */
const ITERATOR_POLL_MS = 60_000;

export class Consumer<K = Buffer | null, V = Buffer | null> implements AsyncIterable<ConsumerRecord<K, V>> {
  readonly config: Readonly<ConsumerConfig<K, V>>;
  private readonly logger: Logger;
  private readonly connection: Connection;
  private readonly states = new PartitionStates();
  private readonly fetcher: Fetcher;
  private readonly wakeup = new Wakeup();
  private closed = false;

  constructor(options: ConsumerOptions<K, V>) {
    this.config = Object.freeze(resolveConsumerOptions(options));
    const config = this.config;
    this.logger = (config.logger ?? silentLogger).child({ component: 'Consumer', clientId: config.clientId, ...(config.groupId ? { groupId: config.groupId } : {}) });
    this.connection = new Connection({
      bootstrapServers: config.bootstrapServers,
      clientId: config.clientId,
      requestTimeoutMs: config.requestTimeoutMs,
      metadataMaxAgeMs: config.metadataMaxAgeMs,
      maxReceiveMessageBytes: config.maxReceiveMessageBytes,
      retryBackoffMs: config.retryBackoffMs,
      retryBackoffMaxMs: config.retryBackoffMaxMs,
      logger: config.logger,
    });
    const settings = {
      clientId: config.clientId,
      maxReceiveMessageBytes: config.maxReceiveMessageBytes,
      maxWaitMs: config.fetchMaxWaitMs,
      minBytes: config.fetchMinBytes,
      maxBytes: config.fetchMaxBytes,
      partitionMaxBytes: config.maxPartitionFetchBytes,
      readCommitted: config.isolationLevel === 'read_committed',
      autoOffsetReset: config.autoOffsetReset,
      checkCrcs: config.checkCrcs,
      requestTimeoutMs: config.requestTimeoutMs,
      retryBackoffMs: config.retryBackoffMs,
      retryBackoffMaxMs: config.retryBackoffMaxMs,
    };
    this.fetcher = new Fetcher(this.connection, this.states, settings, this.logger, () => this.wakeup.notify());
  }

  /**
   * Replaces the assignment (an empty list unassigns everything). Partitions still assigned keep
   * their positions; the others' buffered records are dropped. Every partition must exist:
   * otherwise UNKNOWN_TOPIC_OR_PARTITION and the assignment is unchanged.
   */
  async assign(partitions: readonly TopicPartition[]): Promise<void> {
    this.assertOpen();
    if (!Array.isArray(partitions)) throw invalidArgument(`assign() takes an array of { topic, partition } (got ${typeof partitions})`);
    const unique = new Map<string, TopicPartition>();
    for (const tp of partitions) {
      if (typeof tp?.topic !== 'string' || tp.topic === '' || !Number.isSafeInteger(tp.partition) || tp.partition < 0) throw invalidArgument(`assign() takes { topic: non-empty string, partition: whole number ≥ 0 } (got ${JSON.stringify(tp)})`);
      unique.set(partitionKey(tp.topic, tp.partition), { topic: tp.topic, partition: tp.partition });
    }
    await this.checkExists([...unique.values()]);
    this.assertOpen();
    for (const key of this.states.assign([...unique.values()])) this.fetcher.buffer.drop(key);
    this.logger.info({ partitions: [...unique.values()].map(describePartition) }, 'assigned');
    this.fetcher.schedule();
  }

  /** The assigned partitions. */
  assignment(): TopicPartition[] {
    this.assertOpen();
    return this.states.assignment();
  }

  /**
   * Records that are ready — at most `maxRecords`, each partition's in offset order, partitions
   * taken round-robin — resolving as soon as there are some, or with [] after `timeoutMs`.
   * Throws a partition's pending failure (e.g. OFFSET_OUT_OF_RANGE with autoOffsetReset=none),
   * and INVALID_REQUEST when no partition is assigned (as Kafka does).
   */
  async poll(options: PollOptions): Promise<ConsumerRecord<K, V>[]> {
    this.assertOpen();
    if (typeof options !== 'object' || options === null) throw invalidArgument('poll() takes { timeoutMs, maxRecords? }');
    const timeoutMs = options.timeoutMs;
    const maxRecords = options.maxRecords ?? this.config.maxPollRecords;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) throw invalidArgument(`poll() needs timeoutMs, a whole number ≥ 0 (got ${JSON.stringify(timeoutMs)})`);
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) throw invalidArgument(`poll() maxRecords must be a whole number ≥ 1 (got ${JSON.stringify(maxRecords)})`);
    return this.pollRecords(maxRecords, timeoutMs);
  }

  /** Every record, one at a time, until the consumer closes (then the loop ends). Breaking out leaves the position right after the last record received. */
  async *records(): AsyncGenerator<ConsumerRecord<K, V>, void, undefined> {
    this.assertOpen();
    while (!this.closed) {
      const [record] = await this.pollRecords(1, ITERATOR_POLL_MS);
      if (record) yield record;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerRecord<K, V>> {
    return this.records();
  }

  /** Sets the next offset to read; buffered records of the partition are dropped. */
  seek(tp: TopicPartition, offset: number): void {
    this.assertOpen();
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalidArgument(`seek() offset must be a whole number ≥ 0 (got ${JSON.stringify(offset)})`);
    const state = this.states.require(tp);
    this.states.seek(state, offset);
    this.moved(state);
  }

  /** Moves to the log start offset of `partitions` (default: every assigned one), resolved lazily. */
  seekToBeginning(partitions?: readonly TopicPartition[]): void {
    this.assertOpen();
    for (const state of this.selected(partitions)) {
      this.states.requestReset(state, 'earliest');
      this.moved(state);
    }
  }

  /** Moves to the end (high watermark, or last stable offset under read_committed), resolved lazily. */
  seekToEnd(partitions?: readonly TopicPartition[]): void {
    this.assertOpen();
    for (const state of this.selected(partitions)) {
      this.states.requestReset(state, 'latest');
      this.moved(state);
    }
  }

  /** The offset of the next record poll returns for `tp`, resolving a pending reset first (bounded by defaultApiTimeoutMs). */
  async position(tp: TopicPartition): Promise<number> {
    this.assertOpen();
    const deadline = Date.now() + this.config.defaultApiTimeoutMs;
    for (;;) {
      const state = this.states.require(tp);
      if (state.error) throw state.error;
      if (state.position !== undefined) return state.position;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `the position of ${describePartition(tp)} could not be resolved in ${this.config.defaultApiTimeoutMs} ms`);
      try {
        await this.fetcher.resetPositions([state]);
      } catch (error) {
        if (this.closed) throw consumerClosed();
        this.logger.debug({ error: (error as Error).message }, 'position lookup failed; retrying');
      }
      this.assertOpen();
      if (state.position === undefined && !state.error) await this.connection.sleep(Math.min(remaining, Math.max(state.retryAtMs - Date.now(), this.config.retryBackoffMs))).catch(() => undefined);
      this.assertOpen();
    }
  }

  /** Stops fetching `partitions`; poll returns none of their records until `resume`. Buffered records are dropped. */
  pause(partitions: readonly TopicPartition[]): void {
    this.assertOpen();
    for (const state of this.selected(partitions)) if (this.states.pause(state)) this.moved(state);
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.assertOpen();
    for (const state of this.selected(partitions)) if (this.states.resume(state)) this.moved(state);
  }

  /** The paused partitions. */
  paused(): TopicPartition[] {
    this.assertOpen();
    return [...this.states.all()].filter((state) => state.paused).map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Cancels every stream and timer and closes the connection; a poll in progress resolves with []. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fetcher.close();
    this.wakeup.close();
    this.connection.close();
    this.logger.info('closed');
  }

  private async pollRecords(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord<K, V>[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) return [];
      if (this.states.size === 0) throw new SamsaError(ErrorCode.INVALID_REQUEST, 'this Consumer has no assigned partitions; call assign() first', { retriable: false });
      const records = this.collect(maxRecords);
      if (records.length > 0) return records;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      await this.wakeup.wait(remaining);
    }
  }

  private collect(maxRecords: number): ConsumerRecord<K, V>[] {
    const failure = this.states.firstError();
    if (failure) throw failure;
    try {
      return collectRecords(
        {
          states: this.states,
          buffer: this.fetcher.buffer,
          convert: (state, record) => this.toConsumerRecord(state, record),
          onError: (state, error) => this.fetcher.handleBufferedError(state, error),
          onStale: (state) => {
            this.logger.debug({ topic: state.topic, partition: state.partition, position: state.position }, 'buffered data does not continue the position; fetching again');
            this.states.seek(state, state.position as number);
            this.moved(state);
          },
        },
        maxRecords,
      );
    } finally {
      this.fetcher.afterDrain();
    }
  }

  private toConsumerRecord(state: PartitionState, record: FetchedRecord): ConsumerRecord<K, V> {
    const { topic, partition } = state;
    let key: K;
    let value: V;
    try {
      key = this.config.keyDeserializer.deserialize(record.key, topic);
    } catch (error) {
      throw this.undeserializable('key', state, record, error);
    }
    try {
      value = this.config.valueDeserializer.deserialize(record.value, topic);
    } catch (error) {
      throw this.undeserializable('value', state, record, error);
    }
    return { topic, partition, offset: record.offset, timestamp: record.timestamp, timestampType: record.timestampType, key, value, headers: record.headers, leaderEpoch: record.leaderEpoch };
  }

  private undeserializable(what: string, state: PartitionState, record: FetchedRecord, error: unknown): SamsaError {
    return new SamsaError(ErrorCode.INVALID_RECORD, `could not deserialize the ${what} of ${describePartition(state)} at offset ${record.offset}: ${(error as Error).message}; seek past it to go on`, { cause: error, retriable: false });
  }

  /** Throws UNKNOWN_TOPIC_OR_PARTITION for a partition the cluster does not have (after one fresh metadata look). */
  private async checkExists(partitions: readonly TopicPartition[]): Promise<void> {
    const missing = async () => {
      for (const topic of new Set(partitions.map((tp) => tp.topic))) await this.connection.topic(topic);
      return partitions.find((tp) => !this.connection.partition(tp.topic, tp.partition));
    };
    let absent = await missing();
    if (absent) {
      await this.connection.metadata({ force: true });
      absent = await missing();
    }
    if (absent) {
      const count = this.connection.cached?.topics.get(absent.topic)?.partitions.length ?? 0;
      throw new SamsaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${absent.topic} has ${count} partitions; ${describePartition(absent)} does not exist`);
    }
  }

  /** Buffered data of `state` is no longer valid: drop it and re-plan the streams. */
  private moved(state: PartitionState): void {
    this.fetcher.buffer.drop(state.key);
    this.fetcher.schedule();
    this.wakeup.notify();
  }

  private selected(partitions: readonly TopicPartition[] | undefined): PartitionState[] {
    if (partitions === undefined) return [...this.states.all()];
    if (!Array.isArray(partitions)) throw invalidArgument('expected an array of { topic, partition }');
    return partitions.map((tp) => this.states.require(tp));
  }

  private assertOpen(): void {
    if (this.closed) throw consumerClosed();
  }
}

function invalidArgument(message: string): SamsaError {
  return new SamsaError(ErrorCode.INVALID_REQUEST, message, { retriable: false });
}

function consumerClosed(): SamsaError {
  return new SamsaError(closedError().code, 'this Consumer is closed', { retriable: false });
}
