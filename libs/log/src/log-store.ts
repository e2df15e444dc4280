/**
 * LogStore: the port through which a storage node uses one partition replica's log. PartitionLog
 * (segment files) implements it; `describeLogStoreContract` is the suite every implementation
 * must pass.
 *
 * Offsets: `logStartOffset` ≤ every readable offset < `logEndOffset`. Appends are atomic per call
 * (all batches or none), and leave the log unchanged when rejected.
 */
import type { EpochEntry } from './leader-epoch-cache.js';
import type { ProducerEntry } from './producer-state.js';
import type { AbortedTxn } from './txn-index.js';

export interface AppendOptions {
  /**
   * `leader`: the log assigns offsets, validates the batches, checks idempotence (duplicates are
   * answered with their original offsets), stamps `leaderEpoch` and LogAppendTime.
   * `replica`: batches arrive with the leader's offsets and epochs; structure and CRC are checked
   * and state is replayed, without producer checks.
   */
  origin: 'leader' | 'replica';
  /** Leader epoch stamped into every batch (leader appends). */
  leaderEpoch?: number;
  /**
   * Leader appends: also walk every record (decompressing) to check offset deltas and structure.
   * Default true; a storage node on its hot path checks headers and CRCs only (false).
   */
  validateRecords?: boolean;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** LogAppendTime stamped on the batches, or -1 with CreateTime. */
  logAppendTimeMs: number;
  logStartOffset: number;
  /** True when the batch had been appended before (idempotent retry): offsets are the original ones. */
  duplicate: boolean;
  recordCount: number;
}

export interface ReadOptions {
  maxBytes: number;
  /** Exclusive upper bound: batches ending at or beyond it are not returned (the HW, LSO or LEO). */
  maxOffset?: number;
  /** Return the first batch even when it is larger than maxBytes (KIP-74). Default true. */
  minOneBatch?: boolean;
  /**
   * Scratch memory the read may use (best: maxBytes + index interval + 2 × the largest batch): the result
   * then aliases it and is valid until the caller reuses the buffer — for callers that copy the
   * bytes out at once (serializing a response), so the hot path allocates nothing per read.
   */
  buffer?: Buffer;
}

export interface ReadResult {
  /** Whole stored batches, possibly starting before the fetch offset; empty when nothing qualifies. */
  bytes: Buffer;
  firstOffset: number;
  nextOffset: number;
  logStartOffset: number;
  logEndOffset: number;
}

export interface TimestampOffset {
  offset: number;
  timestamp: number;
  leaderEpoch: number;
}

export interface LogStore {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** Every offset below it is known to be on stable storage. */
  readonly recoveryPoint: number;
  readonly latestEpoch: number;

  append(batches: Buffer, options: AppendOptions): Promise<AppendResult>;
  /** Throws SamsaError(OFFSET_OUT_OF_RANGE) when fetchOffset is outside [logStartOffset, logEndOffset]. */
  read(fetchOffset: number, options: ReadOptions): Promise<ReadResult>;
  /** The first record with timestamp ≥ `timestampMs`, or undefined when none. */
  offsetForTimestamp(timestampMs: number): Promise<TimestampOffset | undefined>;
  /** The record with the largest timestamp (the first such), or undefined for an empty log (ListOffsets -3). */
  maxTimestamp(): Promise<TimestampOffset | undefined>;
  /** Leader side of OffsetsForLeaderEpoch (spec §6.6). */
  endOffsetForEpoch(epoch: number): EpochEntry;
  /** Aborted transactions overlapping [fetchOffset, upperBound) (read_committed). */
  abortedTransactions(fetchOffset: number, upperBound: number): AbortedTxn[];
  /** Smallest first offset of an open transaction (for the last stable offset), or undefined. */
  firstUnstableOffset(): number | undefined;
  producerState(producerId: number): ProducerEntry | undefined;

  /**
   * The replica became leader for `epoch` (spec §6.6; Kafka's `LeaderEpochFileCache.assign` on the
   * leader transition): when `epoch` is newer than `latestEpoch`, records that it starts at the
   * current log end offset — before anything is written in it — and persists the leader-epoch
   * checkpoint (atomically, fsynced) before the entry shows; otherwise nothing changes. By the
   * cache's `assign` rules an entry starting at the log end offset (an epoch led without a write)
   * is replaced. From then on `endOffsetForEpoch` answers followers with the new epoch known, so a
   * follower whose latest epoch the leader never wrote in still learns where that epoch ends.
   * Serialized with appends and truncations (runs as the single writer, in submission order):
   * call it before the first append of the epoch. Rejects with KAFKA_STORAGE_ERROR when the
   * checkpoint cannot be written (the cache is then unchanged). Reopening a log drops an epoch
   * nothing was written in (no epoch starts at or past the log end after loading, as in Kafka);
   * once written in, it survives any reopen.
   */
  assignLeaderEpoch(epoch: number): Promise<void>;
  /**
   * The replica stopped leading: drops leader-epoch entries starting at or past the log end offset
   * — epochs it assigned as leader and wrote nothing in — and persists the checkpoint when that
   * changed it. As a follower it then never reports an epoch it holds no record of (as
   * OffsetsForLeaderEpoch's epoch or a Fetch's lastFetchedEpoch: a leader that never saw that epoch
   * would answer with a divergence no truncation resolves). Kafka drops them in `truncateTo`.
   * Serialized with appends and truncations.
   */
  dropUnwrittenLeaderEpochs(): Promise<void>;
  /** Removes every batch with an offset ≥ `offset` (follower truncation). */
  truncateTo(offset: number): Promise<void>;
  /** Empties the log and restarts it at `offset`. */
  truncateFullyAndStartAt(offset: number): Promise<void>;
  /** Raises the log start offset (DeleteRecords); returns the new log start offset. */
  deleteRecordsBefore(offset: number): Promise<number>;
  flush(): Promise<void>;
  close(): Promise<void>;
}
