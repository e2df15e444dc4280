/**
 * RecordBatch v2 constants: field positions, sizes, attribute masks, sentinels and enums
 * (spec/kafka-facts.md §1.1, §1.4, §1.7). Positions are relative to the first byte of a batch.
 *
 * ```
 *  0  baseOffset            int64   ┐ LOG_OVERHEAD = 12, not covered by the CRC
 *  8  batchLength           int32   ┘ bytes after this field = sizeInBytes − 12
 * 12  partitionLeaderEpoch  int32     not covered by the CRC (the leader stamps it in place)
 * 16  magic                 int8      always 2
 * 17  crc                   uint32    CRC-32C of bytes [21, sizeInBytes)
 * 21  attributes            int16     codec 0x07 | LogAppendTime 0x08 | txn 0x10 | control 0x20 | delete horizon 0x40
 * 23  lastOffsetDelta       int32
 * 27  baseTimestamp         int64
 * 35  maxTimestamp          int64
 * 43  producerId            int64
 * 51  producerEpoch         int16
 * 53  baseSequence          int32
 * 57  recordsCount          int32
 * 61  records               bytes     uncompressed records, or one compressed stream of them
 * ```
 */

export const MAGIC = 2;
/** baseOffset int64 + batchLength int32: the bytes before the part `batchLength` counts. */
export const LOG_OVERHEAD = 12;
/** Bytes up to and including recordsCount; the smallest possible batch (Kafka's RECORD_BATCH_OVERHEAD). */
export const RECORD_BATCH_HEADER_SIZE = 61;
/** Smallest legal batchLength: a header with no records. */
export const MIN_BATCH_LENGTH = RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1;

/** Byte positions of the header fields, relative to the start of the batch. */
export const BASE_OFFSET_POSITION = 0;
export const BATCH_LENGTH_POSITION = 8;
export const PARTITION_LEADER_EPOCH_POSITION = 12;
export const MAGIC_POSITION = 16;
export const CRC_POSITION = 17;
export const ATTRIBUTES_POSITION = 21;
/** Kafka reads only the low-order byte of the attributes. */
export const ATTRIBUTES_LOW_BYTE_POSITION = 22;
export const LAST_OFFSET_DELTA_POSITION = 23;
export const BASE_TIMESTAMP_POSITION = 27;
export const MAX_TIMESTAMP_POSITION = 35;
export const PRODUCER_ID_POSITION = 43;
export const PRODUCER_EPOCH_POSITION = 51;
export const BASE_SEQUENCE_POSITION = 53;
export const RECORDS_COUNT_POSITION = 57;
/** The CRC covers everything from the attributes to the end of the batch. */
export const CRC_COVERAGE_START = ATTRIBUTES_POSITION;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

export const INT32_MAX = 0x7fffffff;

export enum CompressionType {
  NONE = 0,
  GZIP = 1,
  SNAPPY = 2,
  LZ4 = 3,
  ZSTD = 4,
}

/** Every codec by its Kafka config name (`compression.type`). */
export const COMPRESSION_CODECS = {
  none: CompressionType.NONE,
  gzip: CompressionType.GZIP,
  snappy: CompressionType.SNAPPY,
  lz4: CompressionType.LZ4,
  zstd: CompressionType.ZSTD,
} as const;

export type CompressionName = keyof typeof COMPRESSION_CODECS;

export enum TimestampType {
  CREATE_TIME = 0,
  LOG_APPEND_TIME = 1,
}

/** Control record types Samsa writes: transaction markers (KRaft's types 2–6 are not used). */
export enum ControlRecordType {
  ABORT = 0,
  COMMIT = 1,
}
