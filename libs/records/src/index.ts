/**
 * @samsa/records: the RecordBatch v2 codec (spec/kafka-facts.md §1–2) — builder, zero-copy
 * reader, structural/CRC checks, compression in Kafka's stream formats, control records,
 * varints and CRC-32C. Pure and synchronous: no file system, no clock, no logging.
 */
export {
  MAGIC,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  MIN_BATCH_LENGTH,
  NO_PRODUCER_ID,
  NO_PRODUCER_EPOCH,
  NO_SEQUENCE,
  NO_PARTITION_LEADER_EPOCH,
  NO_TIMESTAMP,
  COMPRESSION_CODEC_MASK,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  CONTROL_FLAG_MASK,
  DELETE_HORIZON_FLAG_MASK,
  CompressionType,
  COMPRESSION_CODECS,
  type CompressionName,
  TimestampType,
  ControlRecordType,
} from './constants.js';
export { RecordBatchView, incrementSequence } from './record-batch-view.js';
export type { RecordHeader, DecodedRecord } from './record-codec.js';
export { RecordColumns } from './record-columns.js';
export { probeBatch, iterateBatches, type BatchProbe } from './batch-probe.js';
export { validateBatchForAppend, type ValidateOptions } from './batch-validation.js';
export { buildRecordBatch, type RecordInput, type BatchOptions } from './batch-builder.js';
export { RecordBatchWriter, type BatchIdentity } from './record-batch-writer.js';
export {
  buildControlBatch,
  readControlRecord,
  readControlRecordType,
  encodeControlKey,
  encodeEndTxnMarkerValue,
  type TransactionMarker,
} from './control-record.js';
export { crc32c } from './crc32c.js';
export { compress, decompress, isSupportedCompression } from './compression.js';
export { readInt64, writeInt64 } from './int64.js';
export {
  readVarint,
  writeVarint,
  sizeOfVarint,
  readVarlong,
  readVarlongBigInt,
  writeVarlong,
  sizeOfVarlong,
  readUnsignedVarint,
  writeUnsignedVarint,
  sizeOfUnsignedVarint,
  readUnsignedVarlong,
  readUnsignedVarlongBigInt,
  writeUnsignedVarlong,
  sizeOfUnsignedVarlong,
  type VarintRead,
} from './varint.js';
