/**
 * ProducerBatch: records bound for one partition, their send() promises, and the wire bytes once
 * built. The bytes are built when the batch is first drained (that is when an idempotent
 * producer gives it its sequence) and reused for every retry, so a retry is byte-identical and
 * the storage node recognises it as a duplicate. A new producer id or sequence rebuilds them.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { buildRecordBatch, CompressionType, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, RECORD_BATCH_HEADER_SIZE, type RecordInput } from '@samsa/records';

/** What send() resolves with (Kafka RecordMetadata). */
export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0: the node does not answer. */
  offset: number;
  /** CreateTime of the record, or the node's LogAppendTime when the topic uses it. */
  timestamp: number;
}

type Resolve = (metadata: RecordMetadata) => void;
type Reject = (error: Error) => void;

/** Upper bound of a record's encoded size: body varints (≤ 5 each) and the attributes byte, plus headers. */
export function estimateRecordSize(key: Buffer | null, value: Buffer | null, headers: RecordInput['headers']): number {
  let size = 26 + (key?.length ?? 0) + (value?.length ?? 0);
  for (const header of headers ?? []) size += 10 + Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  return size;
}

export class ProducerBatch {
  readonly records: RecordInput[] = [];
  private readonly resolvers: Resolve[] = [];
  private readonly rejecters: Reject[] = [];
  /** Estimated bytes of the built batch (header plus record upper bounds); what buffer memory accounts. */
  sizeBytes = RECORD_BATCH_HEADER_SIZE;
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
  ) {}

  get recordCount(): number {
    return this.records.length;
  }

  /** Whether a record of `size` estimated bytes fits (an empty batch takes any one record). */
  hasRoomFor(size: number): boolean {
    return !this.closed && (this.records.length === 0 || this.sizeBytes + size <= this.capacityBytes);
  }

  append(record: RecordInput, size: number, resolve: Resolve, reject: Reject): void {
    this.records.push(record);
    this.resolvers.push(resolve);
    this.rejecters.push(reject);
    this.sizeBytes += size;
  }

  get isFull(): boolean {
    return this.closed || this.sizeBytes >= this.capacityBytes;
  }

  /** Assigns the producer identity and sequence; the bytes are rebuilt if they change. */
  setIdentity(producerId: number, producerEpoch: number, baseSequence: number): void {
    if (producerId === this.producerId && producerEpoch === this.producerEpoch && baseSequence === this.baseSequence) return;
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    this.bytes = undefined;
  }

  /** The wire bytes (built once per identity). */
  build(compression: CompressionType): Buffer {
    this.closed = true;
    this.bytes ??= buildRecordBatch(this.records, {
      compression,
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence: this.baseSequence,
      defaultTimestampMs: this.createdAtMs,
    });
    return this.bytes;
  }

  /** Resolves every record's promise: offsets run from `baseOffset`; `logAppendTimeMs` ≥ 0 replaces timestamps. */
  complete(baseOffset: number, logAppendTimeMs: number): void {
    if (this.done) return;
    this.done = true;
    for (let index = 0; index < this.resolvers.length; index++) {
      const record = this.records[index] as RecordInput;
      (this.resolvers[index] as Resolve)({
        topic: this.topic,
        partition: this.partition,
        offset: baseOffset < 0 ? -1 : baseOffset + index,
        timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : (record.timestamp ?? this.createdAtMs),
      });
    }
    this.onSettled?.();
  }

  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    for (const reject of this.rejecters) reject(error);
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
