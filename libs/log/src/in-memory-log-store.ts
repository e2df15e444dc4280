/**
 * InMemoryLogStore: a LogStore kept in memory — for tests of the layers above the log (storage
 * node, coordinators) that need a real log's behaviour without files. It shares the append rules
 * (validation, offsets, idempotence, transactions) with PartitionLog through append-preparation,
 * and passes the same contract suite. Nothing survives the process.
 */
import { ErrorCode } from '@samsa/proto';
import { SamsaError, systemClock, type Clock, SerialQueue } from '@samsa/common';
import { RecordBatchView } from '@samsa/records';
import { epochStarts, prepareAppend, validateBatches } from './append-preparation.js';
import { LeaderEpochCache, type EpochEntry } from './leader-epoch-cache.js';
import { logConfig, type LogConfig } from './log-config.js';
import type { AppendOptions, AppendResult, LogStore, ReadOptions, ReadResult, TimestampOffset } from './log-store.js';
import { firstRecordAtOrAfter, recordWithTimestamp } from './timestamp-lookup.js';
import { ProducerStateManager, type ProducerEntry } from './producer-state.js';
import type { AbortedTxn } from './txn-index.js';

export class InMemoryLogStore implements LogStore {
  readonly config: LogConfig;
  private batches: RecordBatchView[] = [];
  private start = 0;
  private end = 0;
  private aborted: AbortedTxn[] = [];
  private readonly epochs = new LeaderEpochCache();
  private readonly producers = new ProducerStateManager();
  private readonly writes = new SerialQueue();

  constructor(config: Partial<LogConfig> = {}, private readonly clock: Clock = systemClock) {
    this.config = logConfig(config);
  }

  get logStartOffset(): number {
    return this.start;
  }

  get logEndOffset(): number {
    return this.end;
  }

  get recoveryPoint(): number {
    return this.end;
  }

  get latestEpoch(): number {
    return this.epochs.latestEpoch;
  }

  async append(batches: Buffer, options: AppendOptions): Promise<AppendResult> {
    const views = validateBatches(batches, options, this.config);
    return this.writes.run(async () => {
      const prepared = prepareAppend(views, options, { config: this.config, nowMs: this.clock.nowMs(), logEndOffset: this.end, logStartOffset: this.start, producers: this.producers });
      if (prepared.kind === 'duplicate') return prepared.result;
      for (const view of views) this.batches.push(new RecordBatchView(Buffer.from(view.bytes())));
      prepared.stage.commit();
      this.aborted.push(...prepared.aborts);
      for (const { epoch, startOffset } of epochStarts(views, this.epochs.latestEpoch)) this.epochs.assign(epoch, startOffset);
      this.end = prepared.lastOffset + 1;
      const { baseOffset, lastOffset, logAppendTimeMs, recordCount } = prepared;
      return { baseOffset, lastOffset, logAppendTimeMs, logStartOffset: this.start, duplicate: false, recordCount };
    });
  }

  async read(fetchOffset: number, options: ReadOptions): Promise<ReadResult> {
    if (fetchOffset < this.start || fetchOffset > this.end) {
      throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${fetchOffset} is outside [${this.start}, ${this.end}]`);
    }
    const maxOffset = Math.min(options.maxOffset ?? this.end, this.end);
    const picked: Buffer[] = [];
    let total = 0;
    let nextOffset = fetchOffset;
    let firstOffset = fetchOffset;
    for (let i = this.firstBatchEndingAtOrAfter(fetchOffset); i < this.batches.length; i++) {
      const view = this.batches[i] as RecordBatchView;
      if (view.lastOffset >= maxOffset) break;
      if (total + view.sizeInBytes > options.maxBytes && !((options.minOneBatch ?? true) && total === 0)) break;
      if (total === 0) firstOffset = view.baseOffset;
      picked.push(view.bytes());
      total += view.sizeInBytes;
      nextOffset = view.nextOffset;
    }
    return { bytes: Buffer.concat(picked), firstOffset, nextOffset, logStartOffset: this.start, logEndOffset: this.end };
  }

  private firstBatchEndingAtOrAfter(offset: number): number {
    let low = 0;
    let high = this.batches.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.batches[mid] as RecordBatchView).lastOffset < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  async offsetForTimestamp(timestampMs: number): Promise<TimestampOffset | undefined> {
    for (const view of this.batches) {
      if (view.maxTimestamp < timestampMs) continue;
      const found = firstRecordAtOrAfter(view, timestampMs, this.start);
      if (found) return found;
    }
    return undefined;
  }

  async maxTimestamp(): Promise<TimestampOffset | undefined> {
    let best: RecordBatchView | undefined;
    for (const view of this.batches) if (!best || view.maxTimestamp > best.maxTimestamp) best = view;
    return best ? recordWithTimestamp(best, best.maxTimestamp) : undefined;
  }

  endOffsetForEpoch(epoch: number): EpochEntry {
    return this.epochs.endOffsetFor(epoch, this.end);
  }

  abortedTransactions(fetchOffset: number, upperBound: number): AbortedTxn[] {
    return this.aborted.filter((txn) => txn.lastOffset >= fetchOffset && txn.firstOffset < upperBound);
  }

  firstUnstableOffset(): number | undefined {
    return this.producers.firstUnstableOffset();
  }

  producerState(producerId: number): ProducerEntry | undefined {
    return this.producers.entry(producerId);
  }

  assignLeaderEpoch(epoch: number): Promise<void> {
    return this.writes.run(async () => void (await this.epochs.assignLeaderEpoch(epoch, this.end)));
  }

  dropUnwrittenLeaderEpochs(): Promise<void> {
    return this.writes.run(async () => void this.epochs.truncateFromEnd(this.end));
  }

  truncateTo(offset: number): Promise<void> {
    return this.writes.run(async () => {
      if (offset >= this.end) return;
      this.batches = this.batches.filter((view) => view.lastOffset < offset);
      this.end = this.batches.at(-1)?.nextOffset ?? Math.min(offset, this.start);
      if (this.end < this.start) this.start = this.end;
      this.aborted = this.aborted.filter((txn) => txn.lastOffset < this.end);
      this.epochs.truncateFromEnd(this.end);
      this.producers.clear();
      for (const view of this.batches) this.producers.replay(view);
    });
  }

  truncateFullyAndStartAt(offset: number): Promise<void> {
    return this.writes.run(async () => {
      this.batches = [];
      this.aborted = [];
      this.start = offset;
      this.end = offset;
      this.epochs.clear();
      this.producers.clear();
    });
  }

  deleteRecordsBefore(offset: number): Promise<number> {
    return this.writes.run(async () => {
      if (offset > this.end) throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset} is beyond the log end offset ${this.end}`);
      if (offset <= this.start) return this.start;
      this.start = offset;
      this.batches = this.batches.filter((view) => view.lastOffset >= offset);
      this.epochs.truncateFromStart(offset);
      return this.start;
    });
  }

  /** Nothing to flush: the store lives in memory. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
