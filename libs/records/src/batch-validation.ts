/**
 * The checks a storage node runs on a batch a producer sent, before it assigns offsets and
 * appends (Kafka `LogValidator`, tightened as spec/kafka-facts.md §1.3 asks):
 *
 * | check                                                   | error                         |
 * |---------------------------------------------------------|-------------------------------|
 * | whole batch present, batchLength ≥ 49, magic 2, CRC     | CORRUPT_MESSAGE               |
 * | int64 header fields fit a safe integer                  | CORRUPT_MESSAGE               |
 * | codec 0–4                                               | UNSUPPORTED_COMPRESSION_TYPE  |
 * | recordsCount > 0 and == lastOffsetDelta + 1             | INVALID_RECORD                |
 * | control batch: recordsCount == 1                        | INVALID_RECORD                |
 * | not control, producerId ≥ 0 ⇒ baseSequence ≥ 0          | INVALID_RECORD                |
 * | deep: record i has offsetDelta i, records well formed,  | INVALID_RECORD                |
 * |       nothing after the last record                     |                               |
 * | deep: a control batch's record is a valid marker        | INVALID_RECORD                |
 * | deep: the compressed stream decodes                     | CORRUPT_MESSAGE               |
 *
 * Never mutates the buffer (the view may cache the decompressed records).
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { probeBatch } from './batch-probe.js';
import { isSupportedCompression } from './compression.js';
import { readControlRecord } from './control-record.js';
import type { RecordBatchView } from './record-batch-view.js';
import { CompressionType, RECORD_BATCH_HEADER_SIZE } from './constants.js';
import { ByteReader } from './varint.js';

export interface ValidateOptions {
  /** Also decode every record (decompressing if needed). Default true. */
  deep?: boolean;
  /** The caller already ran probeBatch on this view (iterateBatches does): skip the repeat CRC. */
  probed?: boolean;
}

function invalid(message: string): SamsaError {
  return new SamsaError(ErrorCode.INVALID_RECORD, message);
}

/** Checks a batch a producer sent, before append; throws SamsaError (see the table above). */
export function validateBatchForAppend(view: RecordBatchView, options: ValidateOptions = {}): void {
  if (!options.probed) {
    const probe = probeBatch(view.buffer, view.position);
    if (probe.kind === 'corrupt') throw probe.error;
    if (probe.kind === 'incomplete') {
      throw new SamsaError(ErrorCode.CORRUPT_MESSAGE, `Truncated record batch: ${probe.availableBytes} of ${probe.neededBytes} bytes present`);
    }
  }
  // Reading the int64 fields checks they are exact.
  void view.baseOffset;
  void view.baseTimestamp;
  void view.maxTimestamp;
  const producerId = view.producerId;
  if (!isSupportedCompression(view.compression)) {
    throw new SamsaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Unsupported compression codec ${view.compression}`);
  }
  const recordsCount = view.recordsCount;
  const lastOffsetDelta = view.lastOffsetDelta;
  if (recordsCount <= 0) throw invalid(`Record batch must hold at least one record, recordsCount is ${recordsCount}`);
  if (recordsCount !== lastOffsetDelta + 1) {
    throw invalid(`Inconsistent batch: recordsCount ${recordsCount} but lastOffsetDelta ${lastOffsetDelta}`);
  }
  if (view.isControl) {
    if (recordsCount !== 1) throw invalid(`A control batch holds exactly one record, this one holds ${recordsCount}`);
  } else if (producerId >= 0 && view.baseSequence < 0) {
    throw invalid(`Idempotent batch of producer ${producerId} has invalid baseSequence ${view.baseSequence}`);
  }
  if (options.deep === false) return;
  if (view.compression === CompressionType.NONE && !view.isControl) {
    checkUncompressedRecords(view, recordsCount);
    return;
  }
  let expectedDelta = 0;
  for (const record of view.records()) {
    if (record.offsetDelta !== expectedDelta) {
      throw invalid(`Record ${expectedDelta} has offsetDelta ${record.offsetDelta}; deltas must be 0..${lastOffsetDelta} in order`);
    }
    if (view.isControl) readControlRecord(record);
    expectedDelta++;
  }
}

/**
 * The deep check of an uncompressed batch without decoding: walks each record's length-prefixed
 * fields (attributes, timestamp delta, offset delta, key, value, headers) in place, checking that
 * offset deltas run 0..count-1 and that every record ends exactly where its length says.
 */
function checkUncompressedRecords(view: RecordBatchView, count: number): void {
  const end = view.position + view.sizeInBytes;
  const reader = new ByteReader(view.buffer, view.position + RECORD_BATCH_HEADER_SIZE, end, ErrorCode.INVALID_RECORD);
  const skip = (length: number) => {
    if (length < -1 || length > reader.remaining) reader.fail(`Record field length ${length} is out of range`);
    if (length > 0) reader.position += length;
  };
  for (let i = 0; i < count; i++) {
    const length = reader.readVarint();
    if (length <= 0 || length > reader.remaining) throw invalid(`Record ${i} has invalid length ${length}`);
    const recordEnd = reader.position + length;
    reader.readInt8();
    reader.readVarlong();
    const offsetDelta = reader.readVarint();
    if (offsetDelta !== i) throw invalid(`Record ${i} has offsetDelta ${offsetDelta}; deltas must be 0..${count - 1} in order`);
    skip(reader.readVarint());
    skip(reader.readVarint());
    const headers = reader.readVarint();
    if (headers < 0) throw invalid(`Record ${i} has a negative header count`);
    for (let h = 0; h < headers; h++) {
      skip(reader.readVarint());
      skip(reader.readVarint());
    }
    if (reader.position !== recordEnd) throw invalid(`Invalid record size: record ${i} does not end where its length says`);
  }
  if (reader.remaining !== 0) throw invalid(`Incorrect declared batch size: ${reader.remaining} bytes follow the last record`);
}
