/**
 * One record inside a RecordBatch v2 (spec/kafka-facts.md §1.6): the encoder the builder uses,
 * and `decodeRecords` behind `RecordBatchView.records()` (the strict decoder itself is in
 * record-columns.ts).
 *
 * ```
 * length          varint    bytes after this field
 * attributes      int8      unused, written 0
 * timestampDelta  varlong   timestamp − baseTimestamp
 * offsetDelta     varint    offset − baseOffset
 * keyLength       varint    −1 = null key
 * key             bytes
 * valueLength     varint    −1 = null value (tombstone)
 * value           bytes
 * headersCount    varint    ≥ 0
 *   headerKeyLength   varint  ≥ 0, UTF-8 key (never null)
 *   headerKey         bytes
 *   headerValueLength varint  −1 = null value
 *   headerValue       bytes
 * ```
 *
 * Decoder invariants (Kafka `DefaultRecord.readFrom` and the batch iterator): each record
 * consumes exactly its declared `length`; after `recordsCount` records nothing is left; any
 * violation, negative size or truncation is SamsaError(INVALID_RECORD). Decoded keys, values and
 * header values are subarrays of the source (zero-copy): they alias the batch, or the batch's
 * decompressed records.
 */
import { checkAllRead, readRecordInto, recordsReader, type RecordHeader, type RecordTarget, type RecordsContext } from './record-columns.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

export type { RecordHeader, RecordsContext } from './record-columns.js';

export interface DecodedRecord {
  /** baseOffset + offsetDelta. */
  offset: number;
  offsetDelta: number;
  /** baseTimestamp + timestampDelta, or the batch's maxTimestamp under LogAppendTime. */
  timestamp: number;
  timestampDelta: number;
  attributes: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** A key, value or header value as a caller gives it; strings are written as UTF-8 in place. */
export type RecordBytes = Buffer | string | null;

/** A header ready to encode, with byte sizes known (−1 = null). */
export interface EncodableHeader {
  key: string;
  keySize: number;
  value: RecordBytes;
  valueSize: number;
}

/** A record ready to encode: sizes known up front, so a batch is allocated once at its exact size. */
export interface EncodableRecord {
  offsetDelta: number;
  timestampDelta: number;
  key: RecordBytes;
  keySize: number;
  value: RecordBytes;
  valueSize: number;
  headers: readonly EncodableHeader[];
  /** Bytes after the length varint. */
  bodySize: number;
}

const NO_HEADERS: readonly EncodableHeader[] = [];

/** Encoded length of `bytes`: UTF-8 length for strings, −1 for null. */
export function byteSize(bytes: RecordBytes): number {
  if (bytes === null) return -1;
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
}

function sizeOfField(size: number): number {
  return size < 0 ? 1 : sizeOfVarint(size) + size;
}

/** Sizes a record for {@link writeRecord}. */
export function encodableRecord(
  offsetDelta: number,
  timestampDelta: number,
  key: RecordBytes,
  value: RecordBytes,
  headers?: ReadonlyArray<{ key: string; value: RecordBytes }>,
): EncodableRecord {
  const keySize = byteSize(key);
  const valueSize = byteSize(value);
  let encodableHeaders = NO_HEADERS;
  let bodySize = headerlessBodySize(offsetDelta, timestampDelta, keySize, valueSize);
  if (headers !== undefined && headers.length > 0) {
    encodableHeaders = headers.map((header) => ({ key: header.key, keySize: byteSize(header.key), value: header.value, valueSize: byteSize(header.value) }));
    bodySize += sizeOfVarint(encodableHeaders.length) - 1;
    for (const header of encodableHeaders) bodySize += sizeOfField(header.keySize) + sizeOfField(header.valueSize);
  }
  return { offsetDelta, timestampDelta, key, keySize, value, valueSize, headers: encodableHeaders, bodySize };
}

/**
 * Bytes after the length varint of a record without headers (header count 0). With
 * {@link writeHeaderlessRecord}, the producer's common case encodes without a record object.
 */
export function headerlessBodySize(offsetDelta: number, timestampDelta: number, keySize: number, valueSize: number): number {
  return 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfField(keySize) + sizeOfField(valueSize) + 1;
}

/** Total encoded size of a record, length varint included. */
export function recordSize(record: EncodableRecord): number {
  return sizeOfVarint(record.bodySize) + record.bodySize;
}

function writeField(buffer: Buffer, data: RecordBytes, size: number, position: number): number {
  if (data === null) return writeVarint(buffer, -1, position);
  const next = writeVarint(buffer, size, position);
  if (typeof data === 'string') buffer.write(data, next, size, 'utf8');
  else buffer.set(data, next); // TypedArray#set: cheaper than Buffer#copy for the many small copies here
  return next + size;
}

/** Writes `record` at `position`; returns the position after it. */
export function writeRecord(buffer: Buffer, record: EncodableRecord, position: number): number {
  let next = writeRecordStart(buffer, position, record.bodySize, record.timestampDelta, record.offsetDelta, record.key, record.keySize, record.value, record.valueSize);
  next = writeVarint(buffer, record.headers.length, next);
  for (const header of record.headers) {
    next = writeField(buffer, header.key, header.keySize, next);
    next = writeField(buffer, header.value, header.valueSize, next);
  }
  return next;
}

/** Writes a record without headers sized by {@link headerlessBodySize}; returns the position after it. */
export function writeHeaderlessRecord(buffer: Buffer, position: number, bodySize: number, timestampDelta: number, offsetDelta: number, key: RecordBytes, keySize: number, value: RecordBytes, valueSize: number): number {
  const next = writeRecordStart(buffer, position, bodySize, timestampDelta, offsetDelta, key, keySize, value, valueSize);
  buffer[next] = 0;
  return next + 1;
}

/** Everything of a record before its header count. */
function writeRecordStart(buffer: Buffer, position: number, bodySize: number, timestampDelta: number, offsetDelta: number, key: RecordBytes, keySize: number, value: RecordBytes, valueSize: number): number {
  let next = writeVarint(buffer, bodySize, position);
  buffer[next++] = 0;
  next = writeVarlong(buffer, timestampDelta, next);
  next = writeVarint(buffer, offsetDelta, next);
  next = writeField(buffer, key, keySize, next);
  return writeField(buffer, value, valueSize, next);
}

/** Lazily decodes exactly `count` records filling `source[start, end)`: the records before a damaged one come out first. */
export function* decodeRecords(
  source: Buffer,
  start: number,
  end: number,
  count: number,
  context: RecordsContext,
): Generator<DecodedRecord> {
  const reader = recordsReader(source, start, end, count);
  const current = new CurrentRecord();
  for (let index = 0; index < count; index++) {
    readRecordInto(reader, context, current, index);
    yield {
      offset: context.baseOffset + current.offsetDelta,
      offsetDelta: current.offsetDelta,
      timestamp: context.logAppendTime ?? context.baseTimestamp + current.timestampDelta,
      timestampDelta: current.timestampDelta,
      attributes: current.attributes,
      key: current.keyLength < 0 ? null : source.subarray(current.keyStart, current.keyStart + current.keyLength),
      value: current.valueLength < 0 ? null : source.subarray(current.valueStart, current.valueStart + current.valueLength),
      headers: current.headers ?? [],
    };
  }
  checkAllRead(reader, count);
}

/** The record decodeRecords is at: plain fields, so the lazy path allocates nothing but what it yields. */
class CurrentRecord implements RecordTarget {
  attributes = 0;
  timestampDelta = 0;
  offsetDelta = 0;
  keyStart = 0;
  keyLength = -1;
  valueStart = 0;
  valueLength = -1;
  headers: RecordHeader[] | undefined = undefined;

  set(_index: number, attributes: number, timestampDelta: number, offsetDelta: number, keyStart: number, keyLength: number, valueStart: number, valueLength: number, headers: RecordHeader[] | undefined): void {
    this.attributes = attributes;
    this.timestampDelta = timestampDelta;
    this.offsetDelta = offsetDelta;
    this.keyStart = keyStart;
    this.keyLength = keyLength;
    this.valueStart = valueStart;
    this.valueLength = valueLength;
    this.headers = headers;
  }
}
