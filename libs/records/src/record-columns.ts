/**
 * RecordColumns: the records of one batch decoded column by column — offsets, timestamps and the
 * positions of keys and values in typed arrays — so a reader that hands records on (the
 * consumer) builds exactly one object per record, its own, instead of a decoded record, a
 * generator step and a copy. The strict record decoder lives here ({@link readRecordInto}), and
 * `decodeRecords` (behind `RecordBatchView.records()`) is built on it, so both apply the same
 * checks (layout and invariants in record-codec.ts).
 *
 * Contract: `decode` validates every record of the batch before it returns, and on failure
 * throws SamsaError(INVALID_RECORD) leaving `count` 0. Keys, values and header values alias the
 * source (zero-copy). One instance is reused batch after batch; what it returned for the
 * previous batch stays valid (views and header arrays are never recycled).
 */
import { ErrorCode } from '@samsa/proto';
import { ByteReader } from './varint.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordsContext {
  baseOffset: number;
  baseTimestamp: number;
  /** Set for LogAppendTime batches: every record's timestamp is this. */
  logAppendTime: number | null;
}

const NO_BYTES = Buffer.alloc(0);

/** Where {@link readRecordInto} puts one record's fields: the columns, or decodeRecords' current record. */
export interface RecordTarget {
  set(index: number, attributes: number, timestampDelta: number, offsetDelta: number, keyStart: number, keyLength: number, valueStart: number, valueLength: number, headers: RecordHeader[] | undefined): void;
}

export class RecordColumns implements RecordTarget {
  /** Records decoded by the last `decode`. */
  count = 0;
  private source: Buffer = NO_BYTES;
  private context: RecordsContext = { baseOffset: 0, baseTimestamp: 0, logAppendTime: null };
  private capacity = 0;
  private offsetDeltas = new Int32Array(0);
  private timestampDeltas = new Float64Array(0);
  private attributeBytes = new Int8Array(0);
  /** keyStart, keyLength, valueStart, valueLength per record; a length of −1 is null. */
  private spans = new Int32Array(0);
  private headerLists: Array<RecordHeader[] | undefined> = [];

  /** Decodes exactly `count` records filling `source[start, end)`. */
  decode(source: Buffer, start: number, end: number, count: number, context: RecordsContext): void {
    this.count = 0;
    const reader = recordsReader(source, start, end, count);
    // Every record takes at least MIN_RECORD_BYTES, so a record past this many fails before it is set.
    this.reserve(Math.min(count, Math.ceil((end - start) / MIN_RECORD_BYTES)));
    for (let index = 0; index < count; index++) readRecordInto(reader, context, this, index);
    checkAllRead(reader, count);
    this.source = source;
    this.context = context;
    this.count = count;
  }

  offsetDelta(index: number): number {
    return this.offsetDeltas[index] as number;
  }

  offset(index: number): number {
    return this.context.baseOffset + (this.offsetDeltas[index] as number);
  }

  timestampDelta(index: number): number {
    return this.timestampDeltas[index] as number;
  }

  timestamp(index: number): number {
    return this.context.logAppendTime ?? this.context.baseTimestamp + (this.timestampDeltas[index] as number);
  }

  attributes(index: number): number {
    return this.attributeBytes[index] as number;
  }

  key(index: number): Buffer | null {
    return this.bytes(index * 4);
  }

  value(index: number): Buffer | null {
    return this.bytes(index * 4 + 2);
  }

  /** The record's headers: an array of its own (a new empty one when it has none). */
  headers(index: number): RecordHeader[] {
    return this.headerLists[index] ?? [];
  }

  /** Called by {@link readRecordInto} for one record. */
  set(index: number, attributes: number, timestampDelta: number, offsetDelta: number, keyStart: number, keyLength: number, valueStart: number, valueLength: number, headers: RecordHeader[] | undefined): void {
    this.attributeBytes[index] = attributes;
    this.timestampDeltas[index] = timestampDelta;
    this.offsetDeltas[index] = offsetDelta;
    const span = index * 4;
    this.spans[span] = keyStart;
    this.spans[span + 1] = keyLength;
    this.spans[span + 2] = valueStart;
    this.spans[span + 3] = valueLength;
    this.headerLists[index] = headers;
  }

  private bytes(span: number): Buffer | null {
    const length = this.spans[span + 1] as number;
    if (length < 0) return null;
    const start = this.spans[span] as number;
    return this.source.subarray(start, start + length);
  }

  /** Room for `records` (a decode starts from index 0, so nothing is copied over). */
  private reserve(records: number): void {
    if (records <= this.capacity) return;
    const capacity = Math.max(records, this.capacity * 2, 16);
    this.offsetDeltas = new Int32Array(capacity);
    this.timestampDeltas = new Float64Array(capacity);
    this.attributeBytes = new Int8Array(capacity);
    this.spans = new Int32Array(capacity * 4);
    this.capacity = capacity;
  }
}

/** The smallest record: a one-byte length, attributes, deltas, null key and value, no headers. */
const MIN_RECORD_BYTES = 7;

/** A reader over the `count` records in `source[start, end)`; fails on a negative count. */
export function recordsReader(source: Buffer, start: number, end: number, count: number): ByteReader {
  const reader = new ByteReader(source, start, end, ErrorCode.INVALID_RECORD);
  if (count < 0) reader.fail(`Invalid negative record count ${count}`);
  return reader;
}

/** After the declared count of records, nothing of the batch may be left. */
export function checkAllRead(reader: ByteReader, count: number): void {
  if (reader.position !== reader.end) reader.fail(`Incorrect declared batch size, ${reader.end - reader.position} bytes remain after ${count} records`);
}

/** Reads one record at the reader's position, checking it strictly, and hands its fields to `target` as record `index`. */
export function readRecordInto(reader: ByteReader, context: RecordsContext, target: RecordTarget, index: number): void {
  const length = reader.readVarint();
  if (length < 0 || length > reader.remaining) reader.fail(`Invalid record size ${length}, ${reader.remaining} bytes left`);
  const recordStart = reader.position;
  const attributes = reader.readInt8();
  const timestampDelta = reader.readVarlong();
  const offsetDelta = reader.readVarint();
  const keyLength = readFieldLength(reader, 'key');
  const keyStart = reader.position;
  reader.skip(keyLength);
  const valueLength = readFieldLength(reader, 'value');
  const valueStart = reader.position;
  reader.skip(valueLength);
  const headersCount = reader.readVarint();
  let headers: RecordHeader[] | undefined;
  if (headersCount !== 0) {
    if (headersCount < 0) reader.fail(`Found invalid number of record headers ${headersCount}`);
    if (headersCount > reader.remaining / 2) reader.fail(`${headersCount} record headers cannot fit in ${reader.remaining} bytes`);
    headers = new Array<RecordHeader>(headersCount);
    for (let header = 0; header < headersCount; header++) {
      const headerKeyLength = reader.readVarint();
      if (headerKeyLength < 0) reader.fail(`Invalid negative header key size ${headerKeyLength}`);
      const headerKey = reader.readBytes(headerKeyLength).toString('utf8');
      const valueSize = readFieldLength(reader, 'header value');
      headers[header] = { key: headerKey, value: valueSize < 0 ? null : reader.readBytes(valueSize) };
    }
  }
  if (reader.position !== recordStart + length) {
    reader.fail(`Invalid record size: expected to read ${length} bytes in record payload, but instead read ${reader.position - recordStart}`);
  }
  const timestamp = context.logAppendTime ?? context.baseTimestamp + timestampDelta;
  if (!Number.isSafeInteger(timestamp)) reader.fail(`Record timestamp ${timestamp} does not fit a safe integer`);
  if (!Number.isSafeInteger(context.baseOffset + offsetDelta)) reader.fail(`Record offset ${context.baseOffset} + ${offsetDelta} does not fit a safe integer`);
  target.set(index, attributes, timestampDelta, offsetDelta, keyStart, keyLength, valueStart, valueLength, headers);
}

/** A key, value or header value length: −1 is null, any other negative is invalid. */
function readFieldLength(reader: ByteReader, what: string): number {
  const length = reader.readVarint();
  if (length < -1) reader.fail(`Invalid ${what} size ${length}`);
  return length;
}
