/**
 * ProducerBatch: records bound for one partition, encoded into a RecordBatch v2 as they are
 * appended (no per-record objects are kept), and their send() promises. The header is written
 * when the batch is first drained (that is when an idempotent producer gives it its sequence) and
 * the bytes are reused for every retry, so a retry is byte-identical and the storage node
 * recognises it as a duplicate. A new producer id or sequence rewrites only the header and CRC.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import type { DeliverySink } from './delivery-sink.js';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, RecordBatchWriter, type CompressionType } from '@samsa/records';

/** What send() resolves with (Kafka RecordMetadata). */
export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0: the node does not answer. */
  offset: number;
  /** CreateTime of the record, or the node's LogAppendTime when the topic uses it. */
  timestamp: number;
}

export type RecordHeaders = Array<{ key: string; value: Buffer | null }> | undefined;

/** Upper bound of a record's encoded size: body varints (≤ 5 each) and the attributes byte, plus headers. */
export function estimateRecordSize(key: Buffer | null, value: Buffer | null, headers: RecordHeaders): number {
  let size = 26 + (key?.length ?? 0) + (value?.length ?? 0);
  if (headers !== undefined) for (const header of headers) size += 10 + Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  return size;
}

/** The reaction behind every {@link ProducerBatch.follow} promise: the metadata of the batch's next follower. */
const nextFollower = (batch: ProducerBatch): RecordMetadata => batch.nextFollowerMetadata();

export class ProducerBatch {
  private readonly writer: RecordBatchWriter;
  private readonly timestamps: number[] = [];
  /** Per record, who hears its fate: a sink, or null for a follower (see {@link follow}). */
  private readonly sinks: Array<DeliverySink | null> = [];
  private readonly slots: number[] = [];
  /** Settles with the batch; every follower's promise is a reaction to it. */
  private followers: Promise<ProducerBatch> | undefined;
  private settleFollowers: ((error: Error | undefined) => void) | undefined;
  /** Index of the record the next follower reaction answers for. */
  private followerCursor = 0;
  private baseOffset = -1;
  private logAppendTimeMs = -1;
  /** Buffer memory its records reserved (their estimated sizes), given back when it completes. */
  reservedBytes = 0;
  attempts = 0;
  /** Creation order within its partition: retries go back to their place in line. */
  order = 0;
  /** Set when drained: the sequence an idempotent producer gave it (NO_SEQUENCE otherwise). */
  baseSequence = NO_SEQUENCE;
  producerId = NO_PRODUCER_ID;
  producerEpoch = NO_PRODUCER_EPOCH;
  /** Closed for appends (drained once, or full). */
  closed = false;
  done = false;
  /** Earliest Date.now() of the next retry. */
  retryAtMs = 0;
  private bytes: Buffer | undefined;
  private settled: Promise<void> | undefined;
  private onSettled: (() => void) | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdAtMs: number,
    readonly capacityBytes: number,
    compression: CompressionType,
    memory?: Buffer,
  ) {
    this.writer = new RecordBatchWriter(capacityBytes, compression, undefined, memory);
  }

  /** The batch's memory, to reuse for a new batch once this one is done (no request reads it any more). */
  get memory(): Buffer {
    return this.writer.memory;
  }

  get recordCount(): number {
    return this.timestamps.length;
  }

  /** Bytes of the batch as built so far (before compression). */
  get sizeBytes(): number {
    return this.writer.sizeBytes;
  }

  /** Encodes the record into the batch unless it is closed or the record does not fit (an empty batch takes any record). */
  tryAppend(timestamp: number, key: Buffer | null, value: Buffer | null, headers: RecordHeaders, reserved: number, sink: DeliverySink | null, slot: number): boolean {
    if (this.closed || !this.writer.tryAppend(timestamp, key, value, headers)) return false;
    this.timestamps.push(timestamp);
    this.sinks.push(sink);
    this.slots.push(slot);
    this.reservedBytes += reserved;
    return true;
  }

  get isFull(): boolean {
    return this.closed || this.sizeBytes >= this.capacityBytes;
  }

  /**
   * Closes the batch to appends. With `finish` (its header will not change: no producer id or
   * sequence to stamp), its bytes are finished now — checksum, and compression if any — while the
   * records just written are still in the CPU's cache, rather than when the sender drains it.
   */
  close(finish: boolean): void {
    this.closed = true;
    if (finish) this.build();
  }

  /** Assigns the producer identity and sequence; the bytes are rebuilt if they change. */
  setIdentity(producerId: number, producerEpoch: number, baseSequence: number): void {
    if (producerId === this.producerId && producerEpoch === this.producerEpoch && baseSequence === this.baseSequence) return;
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    this.bytes = undefined;
  }

  /** The wire bytes (finished once per identity). */
  build(): Buffer {
    this.closed = true;
    this.bytes ??= this.writer.finish({ producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: this.baseSequence });
    return this.bytes;
  }

  /**
   * The promise of the record just appended with no sink (a follower). It is a reaction to the
   * batch's own promise, and reactions run in the order they were added, so the k-th follower
   * reaction answers for the k-th follower record. Cheaper than a promise with its own resolving
   * functions: a follower costs one derived promise and one reaction.
   */
  follow(): Promise<RecordMetadata> {
    this.followers ??= new Promise<ProducerBatch>((resolve, reject) => (this.settleFollowers = (error) => (error ? reject(error) : resolve(this))));
    return this.followers.then(nextFollower);
  }

  /** The metadata of the next follower record (called by the follower reactions, in order). */
  nextFollowerMetadata(): RecordMetadata {
    let index = this.followerCursor;
    while (index < this.sinks.length && this.sinks[index] !== null) index++;
    this.followerCursor = index + 1;
    return this.metadata(index);
  }

  private metadata(index: number): RecordMetadata {
    return {
      topic: this.topic,
      partition: this.partition,
      offset: this.baseOffset < 0 ? -1 : this.baseOffset + index,
      timestamp: this.logAppendTimeMs >= 0 ? this.logAppendTimeMs : (this.timestamps[index] as number),
    };
  }

  /** Resolves every record's promise: offsets run from `baseOffset`; `logAppendTimeMs` ≥ 0 replaces timestamps. */
  complete(baseOffset: number, logAppendTimeMs: number): void {
    if (this.done) return;
    this.done = true;
    this.baseOffset = baseOffset;
    this.logAppendTimeMs = logAppendTimeMs;
    for (let index = 0; index < this.sinks.length; index++) this.sinks[index]?.delivered(this.slots[index] as number, this.metadata(index));
    this.settleFollowers?.(undefined);
    this.onSettled?.();
  }

  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    for (let index = 0; index < this.sinks.length; index++) this.sinks[index]?.failed(this.slots[index] as number, error);
    this.settleFollowers?.(error);
    this.onSettled?.();
  }

  /** Resolves once the batch completed or failed. */
  whenDone(): Promise<void> {
    if (this.done) return Promise.resolve();
    this.settled ??= new Promise((resolve) => (this.onSettled = resolve));
    return this.settled;
  }

  /** The delivery timeout error for this batch. */
  expiredError(deliveryTimeoutMs: number, now: number): SamsaError {
    return new SamsaError(
      ErrorCode.REQUEST_TIMED_OUT,
      `Expiring ${this.recordCount} record(s) for ${this.topic}-${this.partition}: ${now - this.createdAtMs} ms has passed since batch creation (deliveryTimeoutMs ${deliveryTimeoutMs})`,
      { retriable: false },
    );
  }
}
