/**
 * buildRecordBatch: encodes records into one RecordBatch v2 (layout in constants.ts and
 * record-codec.ts), byte-identical to Kafka's and KafkaJS's encoders for the same inputs when
 * uncompressed (spec/kafka-facts.md §1.8).
 *
 * Rules:
 * - offsetDelta of a record = `offset − baseOffset` when it carries an absolute offset (a
 *   compacted batch keeps its originals), else the previous delta + 1 (0 for the first).
 *   Deltas must strictly increase and fit an int32.
 * - baseTimestamp = the first record's timestamp, maxTimestamp = the largest, unless overridden;
 *   a record without a timestamp takes `defaultTimestampMs`, and without that it is rejected.
 * - lastOffsetDelta = the last record's delta unless overridden (never below it). An empty
 *   batch (compaction kept only the header) needs `lastOffsetDelta`; its timestamps default to
 *   −1 and it is written uncompressed, as Kafka writes it.
 * - Compression covers the records only; the header and recordsCount stay plain. The CRC is
 *   computed last over [attributes, end).
 * Record-content problems throw SamsaError(INVALID_RECORD); numeric header fields out of
 * their wire range throw RangeError.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import {
  CONTROL_FLAG_MASK,
  CRC_COVERAGE_START,
  CRC_POSITION,
  CompressionType,
  INT32_MAX,
  LOG_OVERHEAD,
  MAGIC,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  RECORD_BATCH_HEADER_SIZE,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  TimestampType,
} from './constants.js';
import { compress } from './compression.js';
import { crc32c } from './crc32c.js';
import { writeInt64 } from './int64.js';
import { encodableRecord, recordSize, writeRecord, type EncodableRecord } from './record-codec.js';

export interface RecordInput {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Array<{ key: string; value: Buffer | string | null }>;
  timestamp?: number;
  /** absolute offset; when given, offsetDelta = offset - baseOffset (compaction keeps original offsets) */
  offset?: number;
}

export interface BatchOptions {
  /** Default 0 (the leader assigns the real one). */
  baseOffset?: number;
  /** Default −1: producers do not know it. */
  partitionLeaderEpoch?: number;
  /** Default NONE. */
  compression?: CompressionType;
  /** gzip 0–9 or zstd 1–22; other codecs ignore it. */
  compressionLevel?: number;
  /** Default CREATE_TIME. */
  timestampType?: TimestampType;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /** used for records without a timestamp; a record without timestamp and no default throws */
  defaultTimestampMs?: number;
  /** keeps the original lastOffsetDelta when compaction removed trailing records (Kafka does this to keep producer sequence info) */
  lastOffsetDelta?: number;
  /** maxTimestamp override (compaction keeps the original) */
  maxTimestamp?: number;
  baseTimestamp?: number;
}

function invalid(message: string): SamsaError {
  return new SamsaError(ErrorCode.INVALID_RECORD, message);
}

function timestampOf(input: RecordInput, index: number, options: BatchOptions): number {
  const timestamp = input.timestamp ?? options.defaultTimestampMs;
  if (timestamp === undefined) throw invalid(`Record ${index} has no timestamp and the batch has no defaultTimestampMs`);
  if (!Number.isSafeInteger(timestamp)) throw invalid(`Record ${index} timestamp ${timestamp} is not a safe integer`);
  return timestamp;
}

interface Plan {
  records: EncodableRecord[];
  recordsSize: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
}

/** Resolves offsets, timestamps and bytes of every record, and sizes them. */
function plan(inputs: readonly RecordInput[], options: BatchOptions): Plan {
  const baseOffset = options.baseOffset ?? 0;
  const first = inputs[0];
  const baseTimestamp = options.baseTimestamp ?? (first === undefined ? NO_TIMESTAMP : timestampOf(first, 0, options));
  let maxTimestamp = NO_TIMESTAMP;
  let previousDelta = -1;
  let recordsSize = 0;
  const records = new Array<EncodableRecord>(inputs.length);
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index] as RecordInput;
    const timestamp = timestampOf(input, index, options);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const offsetDelta = input.offset === undefined ? previousDelta + 1 : input.offset - baseOffset;
    if (!Number.isSafeInteger(offsetDelta) || offsetDelta <= previousDelta || offsetDelta > INT32_MAX) {
      throw invalid(`Record ${index} offsetDelta ${offsetDelta} must be an int32 above the previous ${previousDelta}`);
    }
    previousDelta = offsetDelta;
    const timestampDelta = timestamp - baseTimestamp;
    if (!Number.isSafeInteger(timestampDelta)) throw invalid(`Record ${index} timestampDelta ${timestampDelta} is not a safe integer`);
    const record = encodableRecord(offsetDelta, timestampDelta, input.key ?? null, input.value ?? null, input.headers);
    recordsSize += recordSize(record);
    records[index] = record;
  }
  if (options.maxTimestamp !== undefined) maxTimestamp = options.maxTimestamp;

  const lastOffsetDelta = options.lastOffsetDelta ?? previousDelta;
  if (records.length === 0 && options.lastOffsetDelta === undefined) throw invalid('An empty batch needs an explicit lastOffsetDelta');
  if (!Number.isInteger(lastOffsetDelta) || lastOffsetDelta < previousDelta || lastOffsetDelta > INT32_MAX) {
    throw invalid(`lastOffsetDelta ${lastOffsetDelta} must be an int32 no smaller than the last record's delta ${previousDelta}`);
  }
  return { records, recordsSize, lastOffsetDelta, baseTimestamp, maxTimestamp };
}

function encodeRecords(records: readonly EncodableRecord[], target: Buffer, position: number): number {
  let next = position;
  for (const record of records) next = writeRecord(target, record, next);
  return next;
}

export function buildRecordBatch(records: readonly RecordInput[], options: BatchOptions = {}): Buffer {
  const batchPlan = plan(records, options);
  const compression = records.length === 0 ? CompressionType.NONE : (options.compression ?? CompressionType.NONE);
  let payload: Buffer | null = null;
  let payloadSize = batchPlan.recordsSize;
  if (compression !== CompressionType.NONE) {
    const plain = Buffer.allocUnsafe(batchPlan.recordsSize);
    encodeRecords(batchPlan.records, plain, 0);
    payload = compress(compression, plain, options.compressionLevel);
    payloadSize = payload.length;
  }
  const size = RECORD_BATCH_HEADER_SIZE + payloadSize;
  if (size - LOG_OVERHEAD > INT32_MAX) throw invalid(`Record batch of ${size} bytes exceeds the int32 batchLength`);
  const batch = Buffer.allocUnsafe(size);

  let attributes = compression;
  if ((options.timestampType ?? TimestampType.CREATE_TIME) === TimestampType.LOG_APPEND_TIME) attributes |= TIMESTAMP_TYPE_MASK;
  if (options.isTransactional === true) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (options.isControl === true) attributes |= CONTROL_FLAG_MASK;

  let position = writeInt64(batch, options.baseOffset ?? 0, 0);
  position = batch.writeInt32BE(size - LOG_OVERHEAD, position);
  position = batch.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, position);
  position = batch.writeInt8(MAGIC, position);
  position = batch.writeUInt32BE(0, position); // the CRC, computed below
  position = batch.writeInt16BE(attributes, position);
  position = batch.writeInt32BE(batchPlan.lastOffsetDelta, position);
  position = writeInt64(batch, batchPlan.baseTimestamp, position);
  position = writeInt64(batch, batchPlan.maxTimestamp, position);
  position = writeInt64(batch, options.producerId ?? NO_PRODUCER_ID, position);
  position = batch.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, position);
  position = batch.writeInt32BE(options.baseSequence ?? NO_SEQUENCE, position);
  position = batch.writeInt32BE(records.length, position);
  if (payload === null) encodeRecords(batchPlan.records, batch, position);
  else payload.copy(batch, position);

  batch.writeUInt32BE(crc32c(batch.subarray(CRC_COVERAGE_START)), CRC_POSITION);
  return batch;
}
