/**
 * CompletedFetch: the record batches one fetch push returned for one partition, consumed lazily
 * by `poll` (Kafka's CompletedFetch). Pure: no I/O, no clock.
 *
 * What a reader sees (spec/kafka-facts.md §1, §8.9, §10):
 * - Records below `fetchOffset` are skipped: the first batch may start before the position.
 * - Control batches (transaction markers) are never returned; their offsets are passed over.
 * - read_committed: batches of aborted transactions are dropped, using the push's
 *   `abortedTransactions` exactly as Kafka's fetcher does — entries sorted by firstOffset are
 *   moved into `abortedProducerIds` once a batch of theirs reaches them, an ABORT marker removes
 *   its producer again, and a transactional batch whose producer is in the set is skipped.
 * - With `checkCrcs` each batch's CRC-32C is verified before it is decoded.
 *
 * Invariants: `nextOffset` is where the application's position stands after everything taken so
 * far — one past the last record handed out, or past a whole batch once it is finished or
 * skipped — and it never goes backwards. `endOffset` (known up front from the batch headers) is
 * where the next push for this partition starts. A corrupt batch or a record the converter
 * rejects stops the cursor *before* it: `take` returns what it already has, and the next `take`
 * throws again, so nothing is skipped silently and nothing is handed out twice.
 *
 * Byte layout walked here: batches back to back, each `baseOffset int64, batchLength int32, ...`
 * of `12 + batchLength` bytes (see @samsa/records constants.ts).
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { ControlRecordType, LOG_OVERHEAD, MAGIC, MIN_BATCH_LENGTH, readControlRecordType, RecordBatchView, RecordColumns, TimestampType, type RecordHeader } from '@samsa/records';
import type { TimestampTypeName } from './types.js';

/** A decoded record before deserialization. Keys and values alias the fetched (or decompressed) bytes. */
export interface FetchedRecord {
  offset: number;
  timestamp: number;
  timestampType: TimestampTypeName;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  leaderEpoch: number;
}

export interface AbortedTransactionEntry {
  producerId: number;
  firstOffset: number;
}

export interface CompletedFetchInput {
  topic: string;
  partition: number;
  /** Whole batches, back to back, as the node sent them. */
  records: Buffer;
  /** The offset this push was read from: records below it are skipped. */
  fetchOffset: number;
  abortedTransactions?: readonly AbortedTransactionEntry[];
  readCommitted: boolean;
  checkCrcs: boolean;
}

export class CompletedFetch {
  readonly topic: string;
  readonly partition: number;
  readonly sizeInBytes: number;
  /** One past the last batch: where the next push of this partition starts. */
  readonly endOffset: number;
  private readonly batchPositions: number[] = [];
  private structureError: SamsaError | undefined;
  private batchIndex = 0;
  /** The current batch's records, decoded; `pendingIndex` is the next one to hand out. */
  private readonly pending = new RecordColumns();
  private pendingIndex = 0;
  private pendingBatchNextOffset = 0;
  /** What `take` passes to its converter, refilled for every record. */
  private readonly current: FetchedRecord = { offset: 0, timestamp: 0, timestampType: 'CreateTime', key: null, value: null, headers: [], leaderEpoch: -1 };
  private readonly aborted: AbortedTransactionEntry[];
  private abortedIndex = 0;
  private readonly abortedProducerIds = new Set<number>();
  private position: number;

  constructor(private readonly input: CompletedFetchInput) {
    this.topic = input.topic;
    this.partition = input.partition;
    this.sizeInBytes = input.records.length;
    this.position = input.fetchOffset;
    this.aborted = [...(input.abortedTransactions ?? [])].sort((a, b) => a.firstOffset - b.firstOffset);
    this.endOffset = this.walkHeaders();
  }

  /** The application's position after what was taken (see the invariants above). */
  get nextOffset(): number {
    return this.position;
  }

  /** True once every batch has been handed out or skipped. */
  get isExhausted(): boolean {
    return this.pendingIndex >= this.pending.count && this.batchIndex >= this.batchPositions.length && this.structureError === undefined;
  }

  /**
   * Appends up to `max` records to `out`, converted by `convert`, in offset order; returns how
   * many. `convert` gets one reused object, refilled for each record: copy what you keep (keys,
   * values and headers themselves are the record's own). A conversion or decoding failure with
   * nothing taken yet throws; with something taken, those records stay and the failure repeats
   * on the next call.
   */
  take<T>(max: number, convert: (record: FetchedRecord) => T, out: T[]): number {
    const pending = this.pending;
    const record = this.current;
    let taken = 0;
    while (taken < max) {
      if (this.pendingIndex >= pending.count) {
        let more: boolean;
        try {
          more = this.loadNextBatch();
        } catch (error) {
          if (taken > 0) return taken;
          throw error;
        }
        if (!more) break;
        continue;
      }
      const index = this.pendingIndex;
      const offset = pending.offset(index);
      record.offset = offset;
      record.timestamp = pending.timestamp(index);
      record.key = pending.key(index);
      record.value = pending.value(index);
      record.headers = pending.headers(index);
      let converted: T;
      try {
        converted = convert(record);
      } catch (error) {
        if (taken > 0) return taken;
        throw error;
      }
      out.push(converted);
      taken++;
      this.pendingIndex = index + 1;
      this.position = index + 1 === pending.count ? this.pendingBatchNextOffset : offset + 1;
    }
    return taken;
  }

  /** Finds the batch boundaries from the headers; a malformed layout is reported when reached. */
  private walkHeaders(): number {
    const bytes = this.input.records;
    let end = this.input.fetchOffset;
    for (let at = 0; at < bytes.length; ) {
      const batch = this.readHeader(bytes, at);
      if (typeof batch === 'string') {
        this.structureError = this.corrupt(batch);
        break;
      }
      end = Math.max(end, batch.nextOffset);
      this.batchPositions.push(at);
      at += batch.sizeInBytes;
    }
    return end;
  }

  /** The header facts of the batch at `at`, or what is wrong with it. */
  private readHeader(bytes: Buffer, at: number): { nextOffset: number; sizeInBytes: number } | string {
    if (bytes.length - at < LOG_OVERHEAD) return `a truncated batch header at byte ${at}`;
    const view = new RecordBatchView(bytes, at);
    const batchLength = view.batchLength;
    if (batchLength < MIN_BATCH_LENGTH || at + LOG_OVERHEAD + batchLength > bytes.length) return `a batch of ${batchLength + LOG_OVERHEAD} bytes at byte ${at} that does not fit the ${bytes.length} bytes received`;
    if (view.magic !== MAGIC) return `a batch with magic ${view.magic} at byte ${at}`;
    try {
      return { nextOffset: view.nextOffset, sizeInBytes: view.sizeInBytes };
    } catch (error) {
      return `a batch at byte ${at} with an unreadable offset (${(error as Error).message})`;
    }
  }

  /** Moves to the next batch with records at or after the position; false when none is left. */
  private loadNextBatch(): boolean {
    const at = this.batchPositions[this.batchIndex];
    if (at === undefined) {
      if (this.structureError) throw this.structureError;
      return false;
    }
    const view = new RecordBatchView(this.input.records, at);
    if (this.input.checkCrcs && !view.isCrcValid()) throw this.corrupt(`a batch at offset ${view.baseOffset} whose CRC-32C does not match (stored ${view.crc}, computed ${view.computeCrc()})`);
    const returned = this.decodeIfReturned(view);
    this.batchIndex++;
    if (!returned) {
      this.position = Math.max(this.position, view.nextOffset);
      return true;
    }
    this.pendingBatchNextOffset = Math.max(this.position, view.nextOffset);
    return true;
  }

  /**
   * Decodes the batch into `pending`, positioned at its first record at or after the position;
   * false when the whole batch is not for the application.
   */
  private decodeIfReturned(view: RecordBatchView): boolean {
    try {
      if (this.input.readCommitted && view.hasProducerId) {
        const producerId = view.producerId;
        for (let entry = this.aborted[this.abortedIndex]; entry && entry.firstOffset <= view.lastOffset; entry = this.aborted[++this.abortedIndex]) this.abortedProducerIds.add(entry.producerId);
        if (view.isControl) {
          if (this.isAbortMarker(view)) this.abortedProducerIds.delete(producerId);
        } else if (view.isTransactional && this.abortedProducerIds.has(producerId)) {
          return false;
        }
      }
      if (view.isControl || view.nextOffset <= this.position) return false;
      this.current.timestampType = view.timestampType === TimestampType.LOG_APPEND_TIME ? 'LogAppendTime' : 'CreateTime';
      this.current.leaderEpoch = view.partitionLeaderEpoch;
      view.decodeInto(this.pending);
    } catch (error) {
      throw this.corrupt(`an undecodable batch at offset ${view.baseOffset} (${(error as Error).message})`, error);
    }
    let first = 0;
    while (first < this.pending.count && this.pending.offset(first) < this.position) first++;
    this.pendingIndex = first;
    return first < this.pending.count;
  }

  private isAbortMarker(view: RecordBatchView): boolean {
    for (const record of view.records()) return readControlRecordType(record) === ControlRecordType.ABORT;
    return false;
  }

  private corrupt(what: string, cause?: unknown): SamsaError {
    return new SamsaError(ErrorCode.CORRUPT_MESSAGE, `${this.topic}-${this.partition}: the fetched data holds ${what}`, cause === undefined ? {} : { cause });
  }
}
