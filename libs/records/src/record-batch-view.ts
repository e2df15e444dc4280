/**
 * RecordBatchView: a zero-copy window on one RecordBatch v2 inside a larger buffer (a segment
 * read, a produce payload, a fetch response). Layout in constants.ts; spec/kafka-facts.md §1.
 *
 * Invariants and contract:
 * - Constructing a view validates nothing and copies nothing; getters read the buffer on every
 *   call, so they see in-place edits. Check a batch with `probeBatch` or
 *   `validateBatchForAppend` before trusting it.
 * - int64 getters throw SamsaError(CORRUPT_MESSAGE) rather than return an inexact number.
 * - `setBaseOffset` and `setPartitionLeaderEpoch` touch bytes outside the CRC; every other
 *   mutation (`stampLogAppendTime`) recomputes the CRC, so a valid batch stays valid.
 * - `records()` and `decodeInto()` decompress at most once per view and cache the plaintext;
 *   the records they give alias the batch (or that plaintext) — copy a key or value before mutating the buffer.
 * - Not safe to share across concurrent writers; JS is single-threaded, but do not mutate the
 *   buffer while a `records()` generator is suspended.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import {
  ATTRIBUTES_LOW_BYTE_POSITION,
  ATTRIBUTES_POSITION,
  BASE_OFFSET_POSITION,
  BASE_SEQUENCE_POSITION,
  BASE_TIMESTAMP_POSITION,
  BATCH_LENGTH_POSITION,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_COVERAGE_START,
  CRC_POSITION,
  CompressionType,
  DELETE_HORIZON_FLAG_MASK,
  INT32_MAX,
  LAST_OFFSET_DELTA_POSITION,
  LOG_OVERHEAD,
  MAGIC_POSITION,
  MAX_TIMESTAMP_POSITION,
  NO_SEQUENCE,
  PARTITION_LEADER_EPOCH_POSITION,
  PRODUCER_EPOCH_POSITION,
  PRODUCER_ID_POSITION,
  RECORD_BATCH_HEADER_SIZE,
  RECORDS_COUNT_POSITION,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  TimestampType,
} from './constants.js';
import { decompress } from './compression.js';
import { crc32c } from './crc32c.js';
import { readInt64, writeInt64 } from './int64.js';
import { decodeRecords, type DecodedRecord } from './record-codec.js';
import type { RecordColumns, RecordsContext } from './record-columns.js';

/** Kafka's `DefaultRecordBatch.incrementSequence`: int32 sequences wrap to 0 after INT32_MAX. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}

export class RecordBatchView {
  private plaintext: Buffer | undefined;

  /** Zero-copy view of the batch starting at `position` in `buffer`. No validation, no copying. */
  constructor(
    readonly buffer: Buffer,
    readonly position = 0,
  ) {}

  get baseOffset(): number {
    return readInt64(this.buffer, this.position + BASE_OFFSET_POSITION, 'baseOffset');
  }

  /** Bytes after the batchLength field. */
  get batchLength(): number {
    return this.buffer.readInt32BE(this.position + BATCH_LENGTH_POSITION);
  }

  /** The whole batch: batchLength + LOG_OVERHEAD. */
  get sizeInBytes(): number {
    return this.batchLength + LOG_OVERHEAD;
  }

  get partitionLeaderEpoch(): number {
    return this.buffer.readInt32BE(this.position + PARTITION_LEADER_EPOCH_POSITION);
  }

  get magic(): number {
    return this.buffer.readInt8(this.position + MAGIC_POSITION);
  }

  /** The stored CRC-32C, unsigned. */
  get crc(): number {
    return this.buffer.readUInt32BE(this.position + CRC_POSITION);
  }

  get attributes(): number {
    return this.buffer.readInt16BE(this.position + ATTRIBUTES_POSITION);
  }

  /** The codec id (bits 0–2); 5–7 are invalid and come back as they are. */
  get compression(): CompressionType {
    return (this.attributes & COMPRESSION_CODEC_MASK) as CompressionType;
  }

  get timestampType(): TimestampType {
    return (this.attributes & TIMESTAMP_TYPE_MASK) === 0 ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME;
  }

  get isTransactional(): boolean {
    return (this.attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
  }

  get isControl(): boolean {
    return (this.attributes & CONTROL_FLAG_MASK) !== 0;
  }

  /** Set by Kafka's log cleaner (KIP-534): baseTimestamp then holds the delete horizon. */
  get hasDeleteHorizon(): boolean {
    return (this.attributes & DELETE_HORIZON_FLAG_MASK) !== 0;
  }

  get lastOffsetDelta(): number {
    return this.buffer.readInt32BE(this.position + LAST_OFFSET_DELTA_POSITION);
  }

  get lastOffset(): number {
    return this.baseOffset + this.lastOffsetDelta;
  }

  get nextOffset(): number {
    return this.lastOffset + 1;
  }

  get baseTimestamp(): number {
    return readInt64(this.buffer, this.position + BASE_TIMESTAMP_POSITION, 'baseTimestamp');
  }

  get maxTimestamp(): number {
    return readInt64(this.buffer, this.position + MAX_TIMESTAMP_POSITION, 'maxTimestamp');
  }

  get producerId(): number {
    return readInt64(this.buffer, this.position + PRODUCER_ID_POSITION, 'producerId');
  }

  /** True for idempotent / transactional batches (producerId ≥ 0). */
  get hasProducerId(): boolean {
    return this.producerId >= 0;
  }

  get producerEpoch(): number {
    return this.buffer.readInt16BE(this.position + PRODUCER_EPOCH_POSITION);
  }

  get baseSequence(): number {
    return this.buffer.readInt32BE(this.position + BASE_SEQUENCE_POSITION);
  }

  /** Sequence of the last record, wrapping at INT32_MAX like Kafka; NO_SEQUENCE when there is none. */
  get lastSequence(): number {
    const baseSequence = this.baseSequence;
    return baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(baseSequence, this.lastOffsetDelta);
  }

  get recordsCount(): number {
    return this.buffer.readInt32BE(this.position + RECORDS_COUNT_POSITION);
  }

  /** Exactly this batch's bytes (a subarray, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(this.position, this.position + this.sizeInBytes);
  }

  /** CRC-32C of bytes from attributes to the end (what the crc field must equal). */
  computeCrc(): number {
    return crc32c(this.buffer.subarray(this.position + CRC_COVERAGE_START, this.position + this.sizeInBytes));
  }

  /** True when the stored CRC matches the bytes. */
  isCrcValid(): boolean {
    return this.computeCrc() === this.crc;
  }

  /** In place; outside the CRC, so no re-checksum. */
  setBaseOffset(offset: number): void {
    writeInt64(this.buffer, offset, this.position + BASE_OFFSET_POSITION);
  }

  /** In place; outside the CRC, so no re-checksum. */
  setPartitionLeaderEpoch(epoch: number): void {
    this.buffer.writeInt32BE(epoch, this.position + PARTITION_LEADER_EPOCH_POSITION);
  }

  /** Sets the LogAppendTime attribute bit and maxTimestamp = timestampMs, then recomputes the CRC. */
  stampLogAppendTime(timestampMs: number): void {
    const attributesLow = this.position + ATTRIBUTES_LOW_BYTE_POSITION;
    writeInt64(this.buffer, timestampMs, this.position + MAX_TIMESTAMP_POSITION);
    this.buffer.writeUInt8(this.buffer.readUInt8(attributesLow) | TIMESTAMP_TYPE_MASK, attributesLow);
    this.buffer.writeUInt32BE(this.computeCrc(), this.position + CRC_POSITION);
  }

  /** Lazily decodes records (decompressing once if needed). */
  *records(): Generator<DecodedRecord> {
    const { source, start, end, context } = this.recordsSource();
    yield* decodeRecords(source, start, end, this.recordsCount, context);
  }

  /** Decodes every record into `columns` (decompressing once if needed): the consumer's path, no object per record. */
  decodeInto(columns: RecordColumns): void {
    const { source, start, end, context } = this.recordsSource();
    columns.decode(source, start, end, this.recordsCount, context);
  }

  private recordsSource(): { source: Buffer; start: number; end: number; context: RecordsContext } {
    const context = {
      baseOffset: this.baseOffset,
      baseTimestamp: this.baseTimestamp,
      logAppendTime: this.timestampType === TimestampType.LOG_APPEND_TIME ? this.maxTimestamp : null,
    };
    const start = this.position + RECORD_BATCH_HEADER_SIZE;
    const end = this.position + this.sizeInBytes;
    if (end < start || end > this.buffer.length) {
      throw new SamsaError(ErrorCode.CORRUPT_MESSAGE, `Batch of ${end - this.position} bytes does not fit its header or the ${this.buffer.length - this.position} bytes available`);
    }
    if (this.compression === CompressionType.NONE || start === end) return { source: this.buffer, start, end, context };
    this.plaintext ??= decompress(this.compression, this.buffer.subarray(start, end));
    return { source: this.plaintext, start: 0, end: this.plaintext.length, context };
  }
}
