/**
 * RecordBatchWriter: builds one RecordBatch v2 record by record, the way a producer fills a batch
 * (Kafka's MemoryRecordsBuilder). Each record is encoded into the batch buffer when it is
 * appended, so the producer keeps no per-record objects; `finish` writes the header and CRC.
 * `finish` may be called again with another producer identity (a retry after a producer-id
 * reset): only the header and CRC change. Its output is byte-identical to `buildRecordBatch`
 * for the same records and options.
 */
import { CompressionType, CRC_COVERAGE_START, CRC_POSITION, LOG_OVERHEAD, MAGIC, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, NO_TIMESTAMP, RECORD_BATCH_HEADER_SIZE, TRANSACTIONAL_FLAG_MASK } from './constants.js';
import { compress } from './compression.js';
import { crc32c } from './crc32c.js';
import { writeInt64 } from './int64.js';
import { byteSize, encodableRecord, headerlessBodySize, recordSize, writeHeaderlessRecord, writeRecord, type RecordBytes } from './record-codec.js';
import { sizeOfVarint } from './varint.js';

export interface BatchIdentity {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
}

export class RecordBatchWriter {
  private buffer: Buffer;
  private position = RECORD_BATCH_HEADER_SIZE;
  private count = 0;
  private baseTimestamp = NO_TIMESTAMP;
  private maxTimestamp = NO_TIMESTAMP;
  private compressed: Buffer | undefined;
  private finished = false;

  /**
   * `capacityBytes`: the batch closes to new records at this size (its first record always
   * fits). `buffer`: memory to write into (a recycled batch buffer, at least capacityBytes long);
   * a fresh one otherwise.
   */
  constructor(
    private readonly capacityBytes: number,
    private readonly compression: CompressionType = CompressionType.NONE,
    private readonly compressionLevel?: number,
    buffer?: Buffer,
  ) {
    this.buffer = buffer && buffer.length >= Math.max(capacityBytes, RECORD_BATCH_HEADER_SIZE) ? buffer : Buffer.allocUnsafe(Math.max(capacityBytes, RECORD_BATCH_HEADER_SIZE));
  }

  /** The memory written into, for recycling once nobody reads the finished batch any more. */
  get memory(): Buffer {
    return this.buffer;
  }

  get recordCount(): number {
    return this.count;
  }

  /** Bytes of the uncompressed batch so far. */
  get sizeBytes(): number {
    return this.position;
  }

  /** Appends a record; false (and nothing changes) when the batch has records and this one would pass the capacity. */
  tryAppend(timestamp: number, key: RecordBytes, value: RecordBytes, headers?: ReadonlyArray<{ key: string; value: RecordBytes }>): boolean {
    if (this.finished) throw new Error('RecordBatchWriter: the batch is finished');
    const timestampDelta = this.count === 0 ? 0 : timestamp - this.baseTimestamp;
    if (headers !== undefined && headers.length > 0) {
      const record = encodableRecord(this.count, timestampDelta, key, value, headers);
      if (!this.makeRoom(recordSize(record))) return false;
      this.position = writeRecord(this.buffer, record, this.position);
    } else {
      // No record object: the common case allocates nothing per record.
      const keySize = byteSize(key);
      const valueSize = byteSize(value);
      const bodySize = headerlessBodySize(this.count, timestampDelta, keySize, valueSize);
      if (!this.makeRoom(sizeOfVarint(bodySize) + bodySize)) return false;
      this.position = writeHeaderlessRecord(this.buffer, this.position, bodySize, timestampDelta, this.count, key, keySize, value, valueSize);
    }
    if (this.count === 0) this.baseTimestamp = timestamp;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.count++;
    return true;
  }

  /** Whether a record of `size` bytes may go in (the first always may); grows the buffer for it. */
  private makeRoom(size: number): boolean {
    if (this.count > 0 && this.position + size > this.capacityBytes) return false;
    if (this.position + size > this.buffer.length) {
      const grown = Buffer.allocUnsafe(this.position + size);
      this.buffer.copy(grown, 0, 0, this.position);
      this.buffer = grown;
    }
    return true;
  }

  /** The batch bytes with this identity (uncompressed batches are finished in place). */
  finish(identity: BatchIdentity = {}): Buffer {
    if (this.count === 0) throw new Error('RecordBatchWriter: an empty batch cannot be finished');
    this.finished = true;
    let batch: Buffer;
    let attributes: number = CompressionType.NONE;
    if (this.compression === CompressionType.NONE) {
      batch = this.buffer.subarray(0, this.position);
    } else {
      this.compressed ??= Buffer.concat([this.buffer.subarray(0, RECORD_BATCH_HEADER_SIZE), compress(this.compression, this.buffer.subarray(RECORD_BATCH_HEADER_SIZE, this.position), this.compressionLevel)]);
      batch = this.compressed;
      attributes = this.compression;
    }
    if (identity.isTransactional === true) attributes |= TRANSACTIONAL_FLAG_MASK;
    let position = writeInt64(batch, 0, 0);
    position = batch.writeInt32BE(batch.length - LOG_OVERHEAD, position);
    position = batch.writeInt32BE(NO_PARTITION_LEADER_EPOCH, position);
    position = batch.writeInt8(MAGIC, position);
    position = batch.writeUInt32BE(0, position);
    position = batch.writeInt16BE(attributes, position);
    position = batch.writeInt32BE(this.count - 1, position);
    position = writeInt64(batch, this.baseTimestamp, position);
    position = writeInt64(batch, this.maxTimestamp, position);
    position = writeInt64(batch, identity.producerId ?? NO_PRODUCER_ID, position);
    position = batch.writeInt16BE(identity.producerEpoch ?? NO_PRODUCER_EPOCH, position);
    position = batch.writeInt32BE(identity.baseSequence ?? NO_SEQUENCE, position);
    batch.writeInt32BE(this.count, position);
    batch.writeUInt32BE(crc32c(batch.subarray(CRC_COVERAGE_START)), CRC_POSITION);
    return batch;
  }
}
