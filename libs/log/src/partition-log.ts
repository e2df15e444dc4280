/**
 * PartitionLog: one partition replica's log — a directory of segments (spec §5) implementing
 * LogStore. Appends are serialized (one writer); reads run concurrently and never decode records.
 *
 * Durability: a leader append writes whole, validated batches; with `flushMessages = 1` the
 * append resolves only after an fdatasync that covers it (concurrent appends share one). The
 * recovery point (everything below is on disk) is checkpointed at roll, on the flush interval and
 * at close; opening after a crash validates from it (log-loader.ts).
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { ErrorCode } from '@samsa/proto';
import { SamsaError, silentLogger, systemClock, type Clock, type Logger, type TimerHandle, SerialQueue } from '@samsa/common';
import type { RecordBatchView } from '@samsa/records';
import { epochStarts, prepareAppend, validateBatches, type Preparation } from './append-preparation.js';
import { GroupAppendQueue, type GroupMember, type GroupWriter, type QueuedAppend } from './group-append-queue.js';
import { writeCheckpoint, writeFileAtomically } from './checkpoint-file.js';
import type { EpochEntry } from './leader-epoch-cache.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { logConfig, segmentOptions, type LogConfig } from './log-config.js';
import { loadLog } from './log-loader.js';
import { LogSegment } from './log-segment.js';
import type { AppendOptions, AppendResult, LogStore, ReadOptions, ReadResult, TimestampOffset } from './log-store.js';
import { abortedTransactionsIn, maxTimestampIn, offsetForTimestampIn, readSegments } from './segment-reads.js';
import { encodeProducerSnapshot } from './producer-snapshot.js';
import type { ProducerEntry, ProducerStateManager } from './producer-state.js';
import { CLEAN_SHUTDOWN_MARKER, LEADER_EPOCH_CHECKPOINT, LOG_CHECKPOINT, SNAPSHOT_SUFFIX, offsetFileName, parseOffsetFileName } from './segment-files.js';
import type { AbortedTxn } from './txn-index.js';
import { readdir } from 'node:fs/promises';

export interface PartitionLogOptions {
  dir: string;
  config?: Partial<LogConfig>;
  clock?: Clock;
  logger?: Logger;
}

export class PartitionLog implements LogStore {
  readonly config: LogConfig;
  private readonly writes = new SerialQueue();
  private readonly appends: GroupAppendQueue;
  private unflushedMessages = 0;
  private flushing: Promise<void> | undefined;
  private flushTimer: TimerHandle | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    config: LogConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Segments by ascending base offset; the last one is active. Never empty. */
    readonly segments: LogSegment[],
    private start: number,
    private recovered: number,
    /** First offset compaction has not yet cleaned. */
    public cleanerCheckpoint: number,
    readonly epochs: LeaderEpochCache,
    readonly producers: ProducerStateManager,
  ) {
    this.config = config;
    const writer: GroupWriter = { logEndOffset: () => this.logEndOffset, prepare: (pending, next) => this.prepare(pending, next), writeGroup: (group, bytes) => this.writeGroup(group, bytes) };
    this.appends = new GroupAppendQueue(this.writes, writer, logger);
  }

  /** Opens (recovering if needed) or creates the log in `dir`. */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const config = logConfig(options.config);
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? silentLogger).child({ component: 'PartitionLog', dir: options.dir });
    const loaded = await loadLog(options.dir, config, clock.nowMs(), logger);
    await rm(join(options.dir, CLEAN_SHUTDOWN_MARKER), { force: true });
    const log = new PartitionLog(options.dir, config, clock, logger, loaded.segments, loaded.logStartOffset, loaded.recoveryPoint, loaded.cleanerCheckpoint, loaded.epochCache, loaded.producers);
    logger.info({ logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, clean: loaded.hadCleanShutdown, truncatedBytes: loaded.truncatedBytes }, 'opened');
    return log;
  }

  get logStartOffset(): number {
    return this.start;
  }

  get logEndOffset(): number {
    return this.activeSegment.nextOffset;
  }

  get recoveryPoint(): number {
    return this.recovered;
  }

  get latestEpoch(): number {
    return this.epochs.latestEpoch;
  }

  get activeSegment(): LogSegment {
    return this.segments.at(-1) as LogSegment;
  }

  get sizeInBytes(): number {
    return this.segments.reduce((total, segment) => total + segment.size, 0);
  }

  // ---------------------------------------------------------------- append (group-append-queue.ts)

  /** Appends validated batches; appends arriving during a write go out with the next one (group append). */
  async append(batches: Buffer, options: AppendOptions): Promise<AppendResult> {
    this.ensureOpen();
    const views = validateBatches(batches, options, this.config);
    const { result, flushTo } = await this.appends.enqueue(batches, views, options);
    // Outside the writer lock, so appends arriving meanwhile share the next fsync.
    if (flushTo !== undefined) await this.flushTo(flushTo);
    return result;
  }

  /** Prepares one queued append at `nextOffset` (for the group-append queue). */
  private prepare(pending: QueuedAppend, nextOffset: number): Preparation {
    this.ensureOpen();
    return prepareAppend(pending.views, pending.options, { config: this.config, nowMs: this.clock.nowMs(), logEndOffset: nextOffset, logStartOffset: this.start, producers: this.producers });
  }

  /** Writes a prepared group with one vectored write and answers its members (for the group-append queue). */
  private async writeGroup(group: GroupMember[], bytes: number): Promise<void> {
    const first = group[0] as GroupMember;
    const last = group.at(-1) as GroupMember;
    let maxTimestamp = -1;
    let offsetOfMaxTimestamp = -1;
    for (const { prepared } of group) {
      if (prepared.maxTimestamp > maxTimestamp) {
        maxTimestamp = prepared.maxTimestamp;
        offsetOfMaxTimestamp = prepared.offsetOfMaxTimestamp;
      }
    }
    try {
      await this.maybeRoll(bytes, (first.pending.views[0] as RecordBatchView).maxTimestamp, last.prepared.lastOffset);
      const segment = this.activeSegment;
      await segment.appendGroup(group.map(({ pending, prepared }) => ({ bytes: pending.batches, lastOffset: prepared.lastOffset })), { largestOffset: last.prepared.lastOffset, maxTimestamp, offsetOfMaxTimestamp });
      const views = group.flatMap(({ pending }) => pending.views);
      for (const { prepared } of group) for (const txn of prepared.aborts) segment.txnIndex.append(txn);
      const starts = epochStarts(views, this.epochs.latestEpoch);
      for (const { epoch, startOffset } of starts) this.epochs.assign(epoch, startOffset);
      if (starts.length > 0) await this.epochs.persist(join(this.dir, LEADER_EPOCH_CHECKPOINT));
    } catch (error) {
      // Producer state already counts these batches: the log cannot be trusted without a reopen.
      this.closed = true;
      const failure = new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `writing to ${this.dir} failed: ${(error as Error).message}`, { cause: error });
      for (const { pending } of group) pending.reject(failure);
      this.appends.failQueued(failure);
      throw error;
    }
    for (const { pending, prepared } of group) {
      this.unflushedMessages += prepared.recordCount;
      const { baseOffset, lastOffset, logAppendTimeMs, recordCount } = prepared;
      const flushTo = this.unflushedMessages >= this.config.flushMessages ? lastOffset + 1 : undefined;
      pending.resolve({ result: { baseOffset, lastOffset, logAppendTimeMs, logStartOffset: this.start, duplicate: false, recordCount }, flushTo });
    }
    this.scheduleFlush();
  }

  // ---------------------------------------------------------------- rolling

  private async maybeRoll(appendBytes: number, firstBatchTimestamp: number, lastOffset: number): Promise<void> {
    const segment = this.activeSegment;
    if (segment.size === 0) return;
    const elapsedMs = firstBatchTimestamp >= 0 && segment.rollingTimestamp >= 0 ? firstBatchTimestamp - segment.rollingTimestamp : this.clock.nowMs() - segment.createdAtMs;
    const shouldRoll =
      segment.size > this.config.segmentBytes - appendBytes ||
      elapsedMs > this.config.segmentMs ||
      segment.indexesFull ||
      lastOffset - segment.baseOffset > 2_147_483_647;
    if (shouldRoll) await this.roll();
  }

  /** Starts a new active segment at the log end offset; the old one is flushed and its state snapshotted. */
  async roll(): Promise<LogSegment> {
    const old = this.activeSegment;
    const base = this.logEndOffset;
    await old.onBecomeInactive();
    const segment = await LogSegment.create(this.dir, base, segmentOptions(this.config), this.clock.nowMs());
    this.segments.push(segment);
    this.recovered = Math.max(this.recovered, base);
    await this.writeProducerSnapshot(base);
    await this.writeCheckpoint();
    this.logger.debug({ baseOffset: base }, 'rolled a new segment');
    return segment;
  }

  async writeProducerSnapshot(offset: number): Promise<void> {
    await writeFileAtomically(join(this.dir, offsetFileName(offset, SNAPSHOT_SUFFIX)), encodeProducerSnapshot(this.producers.entries()));
    const snapshots = (await readdir(this.dir)).map((name) => parseOffsetFileName(name, SNAPSHOT_SUFFIX)).filter((o): o is number => o !== undefined).sort((a, b) => a - b);
    for (const old of snapshots.slice(0, -2)) if (old < this.start || old < offset) await rm(join(this.dir, offsetFileName(old, SNAPSHOT_SUFFIX)), { force: true });
  }

  async writeCheckpoint(): Promise<void> {
    await writeCheckpoint(join(this.dir, LOG_CHECKPOINT), [
      ['recoveryPoint', this.recovered],
      ['logStartOffset', this.start],
      ['cleanerCheckpoint', this.cleanerCheckpoint],
    ]);
  }

  // ---------------------------------------------------------------- flushing

  /** fsyncs everything appended so far and checkpoints the recovery point. */
  async flush(): Promise<void> {
    await this.flushTo(this.logEndOffset);
    await this.writes.run(() => this.writeCheckpoint());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once every offset below `offset` is on disk; concurrent callers share fsyncs. */
  private async flushTo(offset: number): Promise<void> {
    while (this.recovered < offset) {
      this.flushing ??= this.syncActive().finally(() => (this.flushing = undefined));
      await this.flushing;
    }
  }

  private async syncActive(): Promise<void> {
    const target = this.logEndOffset;
    const messages = this.unflushedMessages;
    await this.activeSegment.syncData();
    this.unflushedMessages -= messages;
    this.recovered = Math.max(this.recovered, target);
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.config.flushMs >= Number.MAX_SAFE_INTEGER || this.closed) return;
    this.flushTimer = this.clock.setTimer(this.config.flushMs, () => {
      this.flushTimer = undefined;
      if (this.closed) return;
      this.flush().catch((error: unknown) => this.logger.error({ err: error }, 'interval flush failed'));
    });
  }

  // ---------------------------------------------------------------- reads (segment-reads.ts)

  async read(fetchOffset: number, options: ReadOptions): Promise<ReadResult> {
    this.ensureOpen();
    return readSegments(this.segments, this.start, this.logEndOffset, fetchOffset, options);
  }

  offsetForTimestamp(timestampMs: number): Promise<TimestampOffset | undefined> {
    return offsetForTimestampIn(this.segments, timestampMs, this.start);
  }

  maxTimestamp(): Promise<TimestampOffset | undefined> {
    return maxTimestampIn(this.segments, this.start);
  }

  endOffsetForEpoch(epoch: number): EpochEntry {
    return this.epochs.endOffsetFor(epoch, this.logEndOffset);
  }

  abortedTransactions(fetchOffset: number, upperBound: number): AbortedTxn[] {
    return abortedTransactionsIn(this.segments, fetchOffset, upperBound);
  }

  firstUnstableOffset(): number | undefined {
    return this.producers.firstUnstableOffset();
  }

  producerState(producerId: number): ProducerEntry | undefined {
    return this.producers.entry(producerId);
  }

  // ---------------------------------------------------------------- leader epochs (leader-epoch-cache.ts)

  assignLeaderEpoch(epoch: number): Promise<void> {
    return this.writes.run(async () => {
      this.ensureOpen();
      try {
        await this.epochs.assignLeaderEpoch(epoch, this.logEndOffset, join(this.dir, LEADER_EPOCH_CHECKPOINT));
      } catch (error) {
        this.logger.error({ err: error, epoch }, 'persisting a new leader epoch failed');
        throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `persisting leader epoch ${epoch} in ${this.dir} failed: ${(error as Error).message}`, { cause: error });
      }
    });
  }

  dropUnwrittenLeaderEpochs(): Promise<void> {
    return this.writes.run(async () => {
      if (!this.closed && this.epochs.truncateFromEnd(this.logEndOffset)) await this.epochs.persist(join(this.dir, LEADER_EPOCH_CHECKPOINT));
    });
  }

  // ---------------------------------------------------------------- truncation and deletion

  truncateTo(offset: number): Promise<void> {
    return this.writes.run(async () => {
      if (offset >= this.logEndOffset) return;
      if (offset <= (this.segments[0] as LogSegment).baseOffset) return this.resetTo(offset);
      while (this.activeSegment.baseOffset >= offset) {
        const removed = this.segments.pop() as LogSegment;
        await removed.delete();
      }
      await this.activeSegment.truncateTo(offset);
      this.recovered = Math.min(this.recovered, this.logEndOffset);
      this.cleanerCheckpoint = Math.min(this.cleanerCheckpoint, this.logEndOffset);
      if (this.epochs.truncateFromEnd(this.logEndOffset)) await this.epochs.persist(join(this.dir, LEADER_EPOCH_CHECKPOINT));
      await this.rebuildProducerState();
      await this.writeCheckpoint();
    });
  }

  truncateFullyAndStartAt(offset: number): Promise<void> {
    return this.writes.run(() => this.resetTo(offset));
  }

  private async resetTo(offset: number): Promise<void> {
    for (const segment of this.segments.splice(0)) await segment.delete();
    this.segments.push(await LogSegment.create(this.dir, offset, segmentOptions(this.config), this.clock.nowMs()));
    this.start = offset;
    this.recovered = offset;
    this.cleanerCheckpoint = offset;
    this.epochs.clear();
    await this.epochs.persist(join(this.dir, LEADER_EPOCH_CHECKPOINT));
    this.producers.clear();
    for (const name of await readdir(this.dir)) if (name.endsWith(SNAPSHOT_SUFFIX)) await rm(join(this.dir, name), { force: true });
    await this.writeCheckpoint();
  }

  /** Rebuilds producer state by replaying every batch header (after a truncation). */
  private async rebuildProducerState(): Promise<void> {
    this.producers.clear();
    for (const segment of this.segments) await segment.walkHeaders(0, (view) => void (view.producerId >= 0 && this.producers.replay(view)));
  }

  deleteRecordsBefore(offset: number): Promise<number> {
    return this.writes.run(async () => {
      if (offset > this.logEndOffset) throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset} is beyond the log end offset ${this.logEndOffset}`);
      if (offset <= this.start) return this.start;
      this.start = offset;
      if (this.epochs.truncateFromStart(offset)) await this.epochs.persist(join(this.dir, LEADER_EPOCH_CHECKPOINT));
      await this.writeCheckpoint();
      await this.deleteSegmentsBelowStart();
      return this.start;
    });
  }

  /** Removes whole segments that lie entirely below the log start offset (never the active one). */
  async deleteSegmentsBelowStart(): Promise<number> {
    let deleted = 0;
    while (this.segments.length > 1 && (this.segments[1] as LogSegment).baseOffset <= this.start) {
      const segment = this.segments.shift() as LogSegment;
      await segment.delete();
      deleted++;
    }
    return deleted;
  }

  /** Removes the oldest `count` segments (retention); the log start moves to the first remaining one. */
  async deleteOldestSegments(count: number): Promise<void> {
    await this.writes.run(async () => {
      if (count >= this.segments.length) await this.roll();
      for (let i = 0; i < count && this.segments.length > 1; i++) {
        const segment = this.segments.shift() as LogSegment;
        await segment.delete();
      }
      this.start = Math.max(this.start, (this.segments[0] as LogSegment).baseOffset);
      if (this.epochs.truncateFromStart(this.start)) await this.epochs.persist(join(this.dir, LEADER_EPOCH_CHECKPOINT));
      await this.writeCheckpoint();
    });
  }

  /** Runs `task` as the single writer (for maintenance such as compaction). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.writes.run(task);
  }

  // ---------------------------------------------------------------- close

  /** Flushes everything, snapshots producer state and marks the shutdown clean. */
  close(): Promise<void> {
    return this.writes.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.flushTimer?.cancel();
      await this.flushTo(this.logEndOffset);
      const end = this.logEndOffset;
      for (const segment of this.segments) await segment.close();
      this.recovered = end;
      await this.writeProducerSnapshot(end);
      await this.epochs.persist(join(this.dir, LEADER_EPOCH_CHECKPOINT));
      await this.writeCheckpoint();
      await writeFileAtomically(join(this.dir, CLEAN_SHUTDOWN_MARKER), Buffer.alloc(0));
      this.logger.info({ logEndOffset: end }, 'closed cleanly');
    });
  }

  private ensureOpen(): void {
    if (this.closed) throw new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, `the log in ${this.dir} is closed`);
  }
}
