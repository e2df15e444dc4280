/**
 * LogSegment: one `.log` file of whole RecordBatch v2 batches, back to back, with its sparse
 * offset index, time index and aborted-transaction index (spec §5).
 *
 *   <base>.log        batches exactly as produced (baseOffset rewritten in place by the leader)
 *   <base>.index      (relativeOffset int32, position int32)  — every > indexIntervalBytes
 *   <base>.timeindex  (maxTimestampSoFar int64, relativeOffset int32) — same moments, monotonic
 *   <base>.txnindex   aborted transactions whose ABORT marker is in this segment
 *
 * Invariants: `size` is the byte length of complete batches written; offsets strictly increase;
 * index entries point at batch starts. Reads never decode records: they locate batches through
 * the index and return stored bytes. Concurrency: the owning PartitionLog serializes mutations;
 * reads may run concurrently with appends (they only see bytes below `size` at their start), and
 * `delete`/`close` wait for reads in flight.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { RecordBatchView } from '@samsa/records';
import { OFFSET_ENTRY, SparseIndex, TIME_ENTRY } from './sparse-index.js';
import { HEADER_PEEK, ReadResumes, readBatches, walkHeaders, type SegmentRead } from './segment-read-path.js';
import { readAt, scanBatches, type ScanResult } from './segment-scanner.js';
import { segmentPaths } from './segment-files.js';
import { SegmentDirectIo } from './segment-direct-io.js';
import { TransactionIndex } from './txn-index.js';

export interface SegmentOptions {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
  /** True for compacted logs, whose batches may skip offsets. */
  offsetGapsAllowed?: boolean;
  /** Append, and read into aligned fetch buffers, with O_DIRECT where the file system allows (direct-io.ts). */
  directIo?: boolean;
}

export interface AppendInfo {
  largestOffset: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
}

export class LogSegment {
  /** Bytes of complete batches. */
  size: number;
  /** Next offset after the last batch (equals baseOffset when empty). */
  nextOffset: number;
  maxTimestampSoFar = -1;
  offsetOfMaxTimestampSoFar = -1;
  /** Max timestamp of the first batch (segment.ms measures age from it); -1 when unknown. */
  rollingTimestamp = -1;
  private bytesSinceLastIndexEntry = 0;
  /** Largest append seen (bytes): a read's window covers the skip from an index entry to its target. */
  private largestAppendBytes = 0;
  private readsInFlight = 0;
  private readonly resumes = new ReadResumes();
  private readsDrained: (() => void) | undefined;
  private readonly direct: SegmentDirectIo;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private handle: FileHandle,
    readonly offsetIndex: SparseIndex,
    readonly timeIndex: SparseIndex,
    readonly txnIndex: TransactionIndex,
    readonly createdAtMs: number,
    private readonly options: SegmentOptions,
  ) {
    this.size = 0;
    this.nextOffset = baseOffset;
    this.direct = new SegmentDirectIo(segmentPaths(dir, baseOffset).log, options.directIo === true, (position, length, into) => readAt(this.handle, position, length, into));
  }

  static async create(dir: string, baseOffset: number, options: SegmentOptions, nowMs: number): Promise<LogSegment> {
    const paths = segmentPaths(dir, baseOffset);
    const handle = await open(paths.log, 'w+');
    const maxEntries = Math.floor(options.segmentIndexBytes / 8);
    await Promise.all([rm(paths.index, { force: true }), rm(paths.timeIndex, { force: true }), rm(paths.txnIndex, { force: true })]);
    return new LogSegment(dir, baseOffset, handle, new SparseIndex(paths.index, OFFSET_ENTRY, maxEntries), new SparseIndex(paths.timeIndex, TIME_ENTRY, maxEntries), new TransactionIndex(paths.txnIndex), nowMs, options);
  }

  /**
   * Opens an existing segment. With `trustIndexes`, index files that pass their checks are used
   * as they are and only the bytes after the last offset-index entry are read (a clean open reads
   * no data). Otherwise, or when an index fails its checks, every batch is validated and the
   * indexes rebuilt; a torn or corrupt tail is truncated (`recovered` reports what happened).
   */
  static async open(
    dir: string,
    baseOffset: number,
    options: SegmentOptions,
    trustIndexes: boolean,
  ): Promise<{ segment: LogSegment; recovered?: ScanResult & { truncatedBytes: number } }> {
    const paths = segmentPaths(dir, baseOffset);
    const handle = await open(paths.log, 'r+');
    const info = await handle.stat();
    const maxEntries = Math.floor(options.segmentIndexBytes / 8);
    const size = info.size;
    const [offsetIndex, timeIndex, txnIndex] = trustIndexes
      ? await Promise.all([
          SparseIndex.load(paths.index, OFFSET_ENTRY, maxEntries, (key, value, previous) => key >= 0 && value >= 0 && value < size && (!previous || (key > previous.key && value > previous.value))),
          SparseIndex.load(paths.timeIndex, TIME_ENTRY, maxEntries, (key, value, previous) => value >= 0 && (!previous || (key > previous.key && value >= previous.value))),
          TransactionIndex.load(paths.txnIndex),
        ])
      : [undefined, undefined, undefined];
    const segment = new LogSegment(
      dir,
      baseOffset,
      handle,
      offsetIndex ?? new SparseIndex(paths.index, OFFSET_ENTRY, maxEntries),
      timeIndex ?? new SparseIndex(paths.timeIndex, TIME_ENTRY, maxEntries),
      txnIndex ?? new TransactionIndex(paths.txnIndex),
      info.mtimeMs,
      options,
    );
    segment.size = size;
    if (offsetIndex && timeIndex && txnIndex) {
      await segment.loadTail();
      return { segment };
    }
    return { segment, recovered: await segment.rebuildIndexes(() => undefined) };
  }

  /** After trusted indexes were loaded: find the end offset and timestamps by reading headers past the last index entry. */
  private async loadTail(): Promise<void> {
    const last = this.offsetIndex.lastEntry();
    const lastTime = this.timeIndex.lastEntry();
    if (lastTime) {
      this.maxTimestampSoFar = lastTime.key;
      this.offsetOfMaxTimestampSoFar = this.baseOffset + lastTime.value;
    }
    let position = last?.value ?? 0;
    this.bytesSinceLastIndexEntry = 0;
    await this.walkHeaders(position, (view, at) => {
      if (position === 0 && at === 0) this.rollingTimestamp = view.maxTimestamp;
      this.nextOffset = view.nextOffset;
      this.observeTimestamp(view.maxTimestamp, view.lastOffset);
      this.largestAppendBytes = Math.max(this.largestAppendBytes, view.sizeInBytes);
      position = at + view.sizeInBytes;
    });
    this.bytesSinceLastIndexEntry = this.size - (last?.value ?? 0);
    if (this.rollingTimestamp < 0 && this.size > 0) {
      const [first] = await this.peekHeaders(0, 1);
      this.rollingTimestamp = first?.maxTimestamp ?? -1;
    }
  }

  /**
   * Rebuilds every index by scanning and validating all batches (recovery). Stops at the first
   * torn or corrupt batch, truncating the file there. `onBatch` sees each valid batch in order.
   */
  async rebuildIndexes(onBatch: (view: RecordBatchView) => void): Promise<ScanResult & { truncatedBytes: number }> {
    this.resumes.clear();
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.txnIndex.reset();
    this.maxTimestampSoFar = -1;
    this.offsetOfMaxTimestampSoFar = -1;
    this.rollingTimestamp = -1;
    this.nextOffset = this.baseOffset;
    let lastIndexedPosition = 0;
    const result = await scanBatches(this.handle, 0, this.size, (view, position) => {
      // Offsets are not covered by the CRC: a batch that does not continue the segment is damage.
      // (Compaction leaves gaps between batches, so a compacted log can only require increase.)
      const continues = this.options.offsetGapsAllowed ? view.baseOffset >= this.nextOffset : view.baseOffset === this.nextOffset;
      if (!continues || view.lastOffset < view.baseOffset || view.lastOffset - this.baseOffset > 2_147_483_647) return false;
      if (position === 0) this.rollingTimestamp = view.maxTimestamp;
      if (position - lastIndexedPosition > this.options.indexIntervalBytes) {
        this.offsetIndex.append(view.lastOffset - this.baseOffset, position);
        this.maybeAppendTimeEntry();
        lastIndexedPosition = position;
      }
      this.observeTimestamp(view.maxTimestamp, view.lastOffset);
      this.nextOffset = view.nextOffset;
      this.largestAppendBytes = Math.max(this.largestAppendBytes, view.sizeInBytes);
      onBatch(view);
    });
    const truncatedBytes = this.size - result.validBytes;
    if (truncatedBytes > 0) {
      await this.truncateFile(result.validBytes);
      this.size = result.validBytes;
    }
    this.bytesSinceLastIndexEntry = this.size - lastIndexedPosition;
    return { ...result, truncatedBytes };
  }

  private observeTimestamp(timestamp: number, offset: number): void {
    if (timestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = timestamp;
      this.offsetOfMaxTimestampSoFar = offset;
    }
  }

  private maybeAppendTimeEntry(force = false): void {
    if (this.maxTimestampSoFar < 0) return;
    const last = this.timeIndex.lastEntry();
    if (last && this.maxTimestampSoFar <= last.key) return;
    if (!force && this.timeIndex.entries >= this.timeIndex.maxEntries - 1) return;
    if (this.timeIndex.isFull) return;
    this.timeIndex.append(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar - this.baseOffset);
  }

  /**
   * Appends whole batches (validated, offsets assigned) at the end of the file: several appends'
   * bytes with one vectored write. Index entries follow the same rule
   * as if each part had been appended on its own, so reads skip no further than usual.
   */
  async appendGroup(parts: ReadonlyArray<{ bytes: Buffer; lastOffset: number }>, info: AppendInfo): Promise<void> {
    const position = this.size;
    const total = parts.reduce((sum, part) => sum + part.bytes.length, 0);
    const appender = await this.direct.appenderAt(position);
    if (appender) {
      await appender.append(parts);
    } else {
      await this.writeBuffered(parts, position, total);
    }
    const first = parts[0]?.bytes;
    if (position === 0 && first) this.rollingTimestamp = new RecordBatchView(first, 0).maxTimestamp;
    this.observeTimestamp(info.maxTimestamp, info.offsetOfMaxTimestamp);
    let partPosition = position;
    for (const part of parts) {
      if (this.bytesSinceLastIndexEntry > this.options.indexIntervalBytes) {
        this.offsetIndex.append(part.lastOffset - this.baseOffset, partPosition);
        this.maybeAppendTimeEntry();
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += part.bytes.length;
      this.largestAppendBytes = Math.max(this.largestAppendBytes, part.bytes.length);
      partPosition += part.bytes.length;
    }
    this.size = position + total;
    this.nextOffset = info.largestOffset + 1;
  }

  private async writeBuffered(parts: ReadonlyArray<{ bytes: Buffer }>, position: number, total: number): Promise<void> {
    const only = parts.length === 1 ? parts[0]?.bytes : undefined;
    const { bytesWritten: written } = only ? await this.handle.write(only, 0, only.length, position) : await this.handle.writev(parts.map((part) => part.bytes), position);
    if (written < total) {
      // A short vectored write (rare): finish the remainder from one contiguous copy.
      const rest = Buffer.concat(parts.map((part) => part.bytes)).subarray(written);
      for (let done = 0; done < rest.length; ) done += (await this.handle.write(rest, done, rest.length - done, position + written + done)).bytesWritten;
    }
  }

  /** Cuts the file to `length`, ending direct appends (the next one reads the new last block again); no padding is left. */
  private async truncateFile(length: number): Promise<void> {
    await this.direct.endAppends();
    await this.handle.truncate(length);
    this.direct.padded = false;
  }

  /** Ends direct appends and cuts the zero padding after the last batch, leaving the file exactly `size` long. */
  private async endAppends(): Promise<void> {
    if (this.direct.padded) await this.truncateFile(this.size);
    else await this.direct.endAppends();
  }

  private async closeFiles(): Promise<void> {
    await this.direct.close();
    await this.handle.close();
  }

  /** True when either index cannot take another entry (time index: one early, for its final entry). */
  get indexesFull(): boolean {
    return this.offsetIndex.isFull || this.timeIndex.entries >= this.timeIndex.maxEntries - 1;
  }

  /**
   * Whole batches starting with the one holding `fetchOffset`, ending before `maxOffset`
   * (exclusive) and within `maxBytes` — except that with `minOneBatch` the first batch is
   * returned even when larger. Undefined when no batch here qualifies. With `scratch`, the bytes
   * are read into it when it is large enough and the result aliases it.
   */
  async read(fetchOffset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean, scratch?: Buffer): Promise<SegmentRead | undefined> {
    this.readsInFlight++;
    try {
      const resume = this.resumes.get(fetchOffset);
      const token = this.resumes.begin();
      const indexPosition = resume ?? this.offsetIndex.floor(fetchOffset - this.baseOffset)?.value ?? 0;
      const windowBytes = resume === undefined ? this.readWindowBytes(maxBytes) : maxBytes + HEADER_PEEK;
      const found = await readBatches(await this.direct.reader(scratch), { fetchOffset, maxBytes, maxOffset, minOneBatch, indexPosition, end: this.size, windowBytes, ...(scratch ? { scratch } : {}) });
      if (!found) return undefined;
      this.resumes.remember(token, found.nextOffset, found.endPosition);
      return { bytes: found.bytes, firstOffset: found.firstOffset, nextOffset: found.nextOffset };
    } finally {
      this.readsInFlight--;
      if (this.readsInFlight === 0) this.readsDrained?.();
    }
  }

  /**
   * Bytes to read for a fetch of `maxBytes`: the target batch lies at most one append plus one
   * index interval of unindexed appends past the index entry, so this usually answers in one read.
   */
  readWindowBytes(maxBytes: number): number {
    return maxBytes + this.options.indexIntervalBytes + 2 * this.largestAppendBytes + HEADER_PEEK;
  }

  /** Batch headers from `position` (at most `limit` batches); no CRC check. */
  async peekHeaders(position: number, limit: number): Promise<RecordBatchView[]> {
    const views: RecordBatchView[] = [];
    await this.walkHeaders(position, (view) => {
      views.push(view);
      return views.length < limit;
    });
    return views;
  }

  /** Reads whole batches from `position` to the end in chunks and visits each (no validation). */
  walkHeaders(position: number, visit: (view: RecordBatchView, position: number) => boolean | void): Promise<void> {
    return walkHeaders(this.handle, position, this.size, visit);
  }

  /**
   * The first batch whose max timestamp is ≥ `timestampMs`, found through the time index;
   * undefined when none is.
   */
  async findBatchByTimestamp(timestampMs: number): Promise<RecordBatchView | undefined> {
    if (this.maxTimestampSoFar < timestampMs) return undefined;
    const entry = this.timeIndex.floor(timestampMs);
    const position = entry ? (this.offsetIndex.floor(entry.value)?.value ?? 0) : 0;
    let found: RecordBatchView | undefined;
    await this.walkHeaders(position, (view) => {
      if (view.maxTimestamp >= timestampMs) {
        found = view;
        return false;
      }
      return true;
    });
    return found;
  }

  /**
   * Removes every batch whose last offset is ≥ `offset` (a batch holding `offset` goes whole).
   * Returns the number of bytes removed.
   */
  async truncateTo(offset: number): Promise<number> {
    if (offset >= this.nextOffset) return 0;
    let cut = this.size;
    const entry = this.offsetIndex.floor(offset - this.baseOffset);
    await this.walkHeaders(entry?.value ?? 0, (view, position) => {
      if (view.lastOffset >= offset) {
        cut = position;
        return false;
      }
      return true;
    });
    const removed = this.size - cut;
    await this.truncateFile(cut);
    this.size = cut;
    this.resumes.clear();
    this.offsetIndex.truncateFrom(offset - this.baseOffset);
    this.offsetIndex.truncateFrom(cut, true);
    this.timeIndex.truncateFrom(offset - this.baseOffset, true);
    this.txnIndex.truncateFrom(offset);
    // Recompute the timestamps and end offset from what remains (headers only).
    this.maxTimestampSoFar = -1;
    this.offsetOfMaxTimestampSoFar = -1;
    this.nextOffset = this.baseOffset;
    this.rollingTimestamp = -1;
    await this.walkHeaders(0, (view, position) => {
      if (position === 0) this.rollingTimestamp = view.maxTimestamp;
      this.observeTimestamp(view.maxTimestamp, view.lastOffset);
      this.nextOffset = view.nextOffset;
    });
    this.bytesSinceLastIndexEntry = this.size - (this.offsetIndex.lastEntry()?.value ?? 0);
    return removed;
  }

  /** Called when a newer segment becomes active: final time-index entry, indexes written and synced. */
  async onBecomeInactive(): Promise<void> {
    await this.endAppends();
    this.maybeAppendTimeEntry(true);
    await this.flush();
  }

  /** fdatasyncs the log file only (the flush policy; indexes are rebuilt if a crash loses them). */
  async syncData(): Promise<void> {
    await this.handle.datasync();
  }

  /** fsyncs the log file and writes and fsyncs the indexes. */
  async flush(): Promise<void> {
    await this.handle.sync();
    await Promise.all([this.offsetIndex.flush(true), this.timeIndex.flush(true), this.txnIndex.flush(true)]);
  }

  /** Largest record timestamp, or the file's modification time when no batch has one (retention). */
  largestTimestamp(fileMtimeMs: number): number {
    return this.maxTimestampSoFar >= 0 ? this.maxTimestampSoFar : fileMtimeMs;
  }

  async lastModifiedMs(): Promise<number> {
    return (await this.handle.stat()).mtimeMs;
  }

  private async idle(): Promise<void> {
    if (this.readsInFlight === 0) return;
    await new Promise<void>((resolve) => (this.readsDrained = resolve));
  }

  /** Writes a final time-index entry and the indexes, then closes the file. */
  async close(): Promise<void> {
    await this.idle();
    await this.endAppends();
    this.maybeAppendTimeEntry(true);
    await Promise.all([this.offsetIndex.flush(false), this.timeIndex.flush(false), this.txnIndex.flush(false)]);
    await this.closeFiles();
  }

  /** Closes the file once reads in flight finish, leaving the files in place (a compacted copy replaced them). */
  async release(): Promise<void> {
    await this.idle();
    await this.closeFiles();
  }

  /** Closes and removes every file of the segment. */
  async delete(): Promise<void> {
    await this.idle();
    await this.closeFiles();
    const paths = segmentPaths(this.dir, this.baseOffset);
    await Promise.all([rm(paths.log, { force: true }), this.offsetIndex.delete(), this.timeIndex.delete(), this.txnIndex.delete()]);
  }
}
