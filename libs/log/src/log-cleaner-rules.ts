/**
 * What the log cleaner keeps (pure, synchronous; the I/O is in log-cleaner.ts): the offset map
 * (key → offset of its latest record in the dirty range), the aborted transactions, and the
 * decision for one batch.
 *
 * A data record is kept iff it is not part of an aborted transaction and either it lies at or
 * above the end of the offset map's range (a full map ends early; nothing is known to supersede
 * such a record), or all of:
 *   - it has a key (compacted topics require one; a keyless record cannot be compacted);
 *   - it is the latest record for its key: offset ≥ map[key], or its key is not in the map
 *     (nothing newer in the dirty range supersedes it);
 *   - it is not a tombstone (null value) in a segment past the delete horizon.
 * A transaction marker (control batch) is kept whole, or dropped once its segment is past the
 * delete horizon and nothing of its transaction is left in the log (TransactionMarkers below).
 *
 * A batch that keeps every record is kept byte-for-byte. Otherwise it is rebuilt with the same
 * baseOffset, lastOffsetDelta, producer id/epoch/base sequence, transactional flag, partition
 * leader epoch, timestamp type, baseTimestamp, maxTimestamp and codec, and each kept record with
 * its original offset delta, timestamp delta, key, value and headers (spec §1.3: offsets and
 * sequences never change). A batch left without records disappears — except a producer's last
 * batch, which stays as an empty header so its sequence numbers survive a producer-state rebuild
 * (Kafka does the same; spec §1.3, §1.4).
 */
import { buildRecordBatch, type DecodedRecord, type RecordBatchView, type RecordInput } from '@samsa/records';
import type { AbortedTxn } from './txn-index.js';

/** Estimated memory of one offset-map entry beyond its key bytes: map slot, string header, offset. */
const ENTRY_OVERHEAD_BYTES = 80;

/**
 * Key → offset of the latest record with that key in the mapped range [dirty start, `end`).
 * Keys compare by bytes. Its memory is bounded (Kafka's log.cleaner.dedupe.buffer.size): once a
 * new key would not fit, the map is closed at that record's offset, and the cleaner keeps every
 * record at or above `end` (it cannot know whether something newer supersedes them). The rest of
 * the dirty range is cleaned by the next run. The first key always fits, so every run progresses.
 */
export class OffsetMap {
  private readonly latest = new Map<string, number>();
  private bytes = 0;
  /** First offset not mapped; Infinity while the map is open. */
  end = Infinity;

  constructor(readonly maxBytes = Infinity) {}

  get size(): number {
    return this.latest.size;
  }

  /** Maps `key` to `offset`; false (and nothing changes) when a new key does not fit. */
  put(key: Buffer, offset: number): boolean {
    const text = key.toString('latin1');
    if (!this.latest.has(text)) {
      const entryBytes = key.length + ENTRY_OVERHEAD_BYTES;
      if (this.latest.size > 0 && this.bytes + entryBytes > this.maxBytes) return false;
      this.bytes += entryBytes;
    }
    this.latest.set(text, offset);
    return true;
  }

  get(key: Buffer): number | undefined {
    return this.latest.get(key.toString('latin1'));
  }

  /** Ends the mapped range at `offset` (the first record not mapped). */
  close(offset: number): void {
    this.end = Math.min(this.end, offset);
  }
}

/** The aborted transactions of a range (from the txn index), by producer id. */
export class AbortedTransactions {
  private readonly byProducer = new Map<number, AbortedTxn[]>();

  constructor(txns: readonly AbortedTxn[]) {
    for (const txn of txns) {
      const list = this.byProducer.get(txn.producerId) ?? [];
      list.push(txn);
      this.byProducer.set(txn.producerId, list);
    }
  }

  /**
   * True for a transactional data batch that belongs to an aborted transaction: one of its
   * producer's aborted transactions started at or before it and ended (ABORT marker) after it.
   * A producer has at most one open transaction, so that range holds only that transaction.
   */
  contains(view: RecordBatchView): boolean {
    if (!view.isTransactional || view.isControl || view.producerId < 0) return false;
    const txns = this.byProducer.get(view.producerId);
    if (!txns) return false;
    const baseOffset = view.baseOffset;
    const lastOffset = view.lastOffset;
    return txns.some((txn) => txn.firstOffset <= baseOffset && lastOffset < txn.lastOffset);
  }
}

/**
 * Which transaction markers a run may drop (Kafka's CleanedTransactionMetadata, more cautious):
 * it sees every batch of the run in offset order, and a marker may go only if no transactional
 * batch of its producer came since that producer's previous marker — a producer has at most one
 * open transaction, so those batches are exactly the marker's transaction — and the run has read
 * every batch before it. Data of an aborted transaction is removed the first time a run reads it,
 * so its marker goes one run later; a committed transaction's marker goes once the cleaner has
 * removed every one of its records (superseded keys). Without the marker, a rebuilt producer state
 * would see no open transaction either, because none of its batches is left.
 */
export class TransactionMarkers {
  /** Producers with a transactional batch read since their last marker. */
  private readonly open = new Set<number>();
  private blind = false;

  /** The run did not read a range of the log (a segment it knew could not change): markers after it must stay. */
  skipped(): void {
    this.blind = true;
  }

  /** Notes a batch read in offset order; true when it is a marker nothing of whose transaction is left. */
  droppable(view: RecordBatchView): boolean {
    if (view.producerId < 0) return false;
    if (!view.isControl) {
      if (view.isTransactional) this.open.add(view.producerId);
      return false;
    }
    const transactionLeft = this.open.delete(view.producerId);
    return !this.blind && !transactionLeft;
  }
}

/** Everything the cleaner needs to judge the batches of one segment. */
export interface CleaningRules {
  offsetMap: OffsetMap;
  aborted: AbortedTransactions;
  /** The run's marker bookkeeping: every batch judged passes through it. */
  markers: TransactionMarkers;
  /** The segment is past the delete horizon: its latest-for-key tombstones go, and its markers may. */
  dropTombstones: boolean;
  /** True when `view`, emptied, must stay as a bare header (it is its producer's last batch). */
  keepEmptyHeader(view: RecordBatchView): boolean;
}

export type BatchDecision =
  /** Copy the stored bytes unchanged. */
  | { kind: 'keep' }
  /** Nothing of the batch survives. */
  | { kind: 'drop'; recordsRemoved: number }
  /** Write `bytes` (the rebuilt batch) instead. */
  | { kind: 'rewrite'; bytes: Buffer; recordsRemoved: number };

/**
 * Adds the batch's records to the offset map (dirty range [from, to) only; markers, aborted data
 * and keyless records never enter). False once the map is full: it was closed at the first
 * record it could not take, and nothing later may be added.
 */
export function addToOffsetMap(map: OffsetMap, view: RecordBatchView, aborted: AbortedTransactions, from: number, to: number): boolean {
  if (view.isControl || view.lastOffset < from || view.baseOffset >= to || aborted.contains(view)) return true;
  for (const record of view.records()) {
    if (record.key === null || record.offset < from || record.offset >= to) continue;
    if (!map.put(record.key, record.offset)) {
      map.close(record.offset);
      return false;
    }
  }
  return true;
}

export function decideBatch(view: RecordBatchView, rules: CleaningRules): BatchDecision {
  const droppableMarker = rules.markers.droppable(view);
  if (view.isControl) return droppableMarker && rules.dropTombstones ? { kind: 'drop', recordsRemoved: 0 } : { kind: 'keep' };
  const records = [...view.records()];
  const kept = rules.aborted.contains(view) ? [] : records.filter((record) => retains(record, rules));
  const recordsRemoved = records.length - kept.length;
  if (kept.length > 0 && recordsRemoved === 0) return { kind: 'keep' };
  if (kept.length === 0) {
    if (!rules.keepEmptyHeader(view)) return { kind: 'drop', recordsRemoved };
    if (records.length === 0) return { kind: 'keep' };
  }
  return { kind: 'rewrite', bytes: rebuildBatch(view, kept), recordsRemoved };
}

function retains(record: DecodedRecord, rules: CleaningRules): boolean {
  // Past the mapped range nothing is known to supersede the record (Kafka keeps these too).
  if (record.offset >= rules.offsetMap.end) return true;
  if (record.key === null) return false;
  const latest = rules.offsetMap.get(record.key);
  if (latest !== undefined && record.offset < latest) return false;
  return !(record.value === null && rules.dropTombstones);
}

/** The batch with only `kept` records, every header field and record delta preserved. */
export function rebuildBatch(view: RecordBatchView, kept: readonly DecodedRecord[]): Buffer {
  const baseTimestamp = view.baseTimestamp;
  const records: RecordInput[] = kept.map((record) => ({
    offset: record.offset,
    // The stored delta, not record.timestamp: under LogAppendTime that reads as maxTimestamp.
    timestamp: baseTimestamp + record.timestampDelta,
    key: record.key,
    value: record.value,
    headers: record.headers,
  }));
  return buildRecordBatch(records, {
    baseOffset: view.baseOffset,
    lastOffsetDelta: view.lastOffsetDelta,
    partitionLeaderEpoch: view.partitionLeaderEpoch,
    compression: view.compression,
    timestampType: view.timestampType,
    producerId: view.producerId,
    producerEpoch: view.producerEpoch,
    baseSequence: view.baseSequence,
    isTransactional: view.isTransactional,
    maxTimestamp: view.maxTimestamp,
    ...(records.length > 0 ? { baseTimestamp } : {}),
  });
}
