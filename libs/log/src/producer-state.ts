/**
 * ProducerStateManager: per producer id, the epoch, the last 5 batches' sequence ranges and
 * offsets, the coordinator epoch and the first offset of an open transaction (spec §7, §8.5).
 * It lets the leader de-duplicate retried batches (answering with the original offset), reject
 * sequence gaps and fenced epochs, and tracks open transactions for the last stable offset.
 *
 * Checks run on a staged copy (`stage`), which is committed only after the batches are on disk,
 * so a rejected or failed append changes nothing. Replicas and recovery `replay` batches without
 * checks. Pure in-memory state; snapshots are encoded by producer-snapshot.ts.
 */
import { ErrorCode } from '@samsa/proto';
import { SamsaError } from '@samsa/common';
import { ControlRecordType, readControlRecord, type RecordBatchView } from '@samsa/records';

export const MAX_CACHED_BATCHES = 5;
const INT32_MAX = 2_147_483_647;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  lastOffset: number;
  /** lastSeq − firstSeq (= lastOffset − first offset of the batch). */
  offsetDelta: number;
  timestamp: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  /** First offset of the open transaction on this partition, -1 when none. */
  currentTxnFirstOffset: number;
  lastTimestamp: number;
}

export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  aborted: boolean;
}

/** What staging a batch found. */
export type StageResult = { kind: 'append' } | { kind: 'duplicate'; batch: BatchMetadata };

export class ProducerStateManager {
  private producers = new Map<number, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  entries(): IterableIterator<ProducerEntry> {
    return this.producers.values();
  }

  /** Smallest first offset of an open transaction, or undefined when none is open. */
  firstUnstableOffset(): number | undefined {
    let first: number | undefined;
    for (const entry of this.producers.values()) {
      if (entry.currentTxnFirstOffset >= 0 && (first === undefined || entry.currentTxnFirstOffset < first)) first = entry.currentTxnFirstOffset;
    }
    return first;
  }

  /** Starts a staged change; nothing is visible until `commit`. */
  stage(): ProducerStateStage {
    return new ProducerStateStage(this.producers);
  }

  /** Applies a batch without checks (replicas, recovery). Returns a completed transaction for markers. */
  replay(view: RecordBatchView): CompletedTxn | undefined {
    const stage = this.stage();
    const completed = stage.apply(view);
    stage.commit();
    return completed;
  }

  /** Drops producers idle longer than `expirationMs` that have no open transaction. */
  removeExpired(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [producerId, entry] of this.producers) {
      if (entry.currentTxnFirstOffset < 0 && nowMs - entry.lastTimestamp > expirationMs) {
        this.producers.delete(producerId);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.producers.clear();
  }

  load(entries: Iterable<ProducerEntry>): void {
    this.producers = new Map([...entries].map((entry) => [entry.producerId, entry]));
  }
}

/** A copy-on-write view of producer state for one append. */
export class ProducerStateStage {
  private readonly changed = new Map<number, ProducerEntry>();

  constructor(private readonly base: Map<number, ProducerEntry>) {}

  private current(producerId: number): ProducerEntry | undefined {
    return this.changed.get(producerId) ?? this.base.get(producerId);
  }

  private writable(producerId: number, epoch: number): ProducerEntry {
    let entry = this.changed.get(producerId);
    if (!entry) {
      const original = this.base.get(producerId);
      entry = original
        ? { ...original, batches: [...original.batches] }
        : { producerId, epoch, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: -1, lastTimestamp: -1 };
      this.changed.set(producerId, entry);
    }
    return entry;
  }

  /**
   * Leader checks for a client batch with offsets already assigned: duplicate, epoch, sequence,
   * transactional consistency (spec §7); markers: epoch and coordinator epoch (§8.5).
   * Throws SamsaError on rejection; a duplicate is reported, not staged.
   */
  check(view: RecordBatchView): StageResult {
    const entry = this.current(view.producerId);
    if (view.isControl) {
      if (entry && view.producerEpoch < entry.epoch) throw fenced(view, entry);
      const marker = readMarker(view);
      if (entry && marker.coordinatorEpoch < entry.coordinatorEpoch) {
        throw new SamsaError(ErrorCode.TRANSACTION_COORDINATOR_FENCED, `marker coordinator epoch ${marker.coordinatorEpoch} is older than ${entry.coordinatorEpoch}`);
      }
      return { kind: 'append' };
    }
    if (entry && view.producerEpoch === entry.epoch) {
      const duplicate = entry.batches.find((batch) => batch.firstSeq === view.baseSequence && batch.lastSeq === view.lastSequence);
      if (duplicate) return { kind: 'duplicate', batch: duplicate };
    }
    if (entry && view.producerEpoch < entry.epoch) throw fenced(view, entry);
    const last = entry?.batches.at(-1);
    if (entry && view.producerEpoch > entry.epoch) {
      if (view.baseSequence !== 0 && entry.epoch !== -1) throw outOfOrder(view, `a new epoch must start at sequence 0, got ${view.baseSequence}`);
    } else if (last && !(view.baseSequence === last.lastSeq + 1 || (view.baseSequence === 0 && last.lastSeq === INT32_MAX))) {
      throw outOfOrder(view, `expected sequence ${last.lastSeq === INT32_MAX ? 0 : last.lastSeq + 1}, got ${view.baseSequence}`);
    }
    if (entry && entry.currentTxnFirstOffset >= 0 && !view.isTransactional) {
      throw new SamsaError(ErrorCode.INVALID_TXN_STATE, `producer ${view.producerId} has an open transaction; a non-transactional batch is not allowed`);
    }
    return { kind: 'append' };
  }

  /** Stages the effect of an appended batch (offsets assigned). Returns a completed transaction for markers. */
  apply(view: RecordBatchView): CompletedTxn | undefined {
    if (view.producerId < 0) return undefined;
    const entry = this.writable(view.producerId, view.producerEpoch);
    if (view.producerEpoch > entry.epoch) {
      entry.epoch = view.producerEpoch;
      entry.batches = [];
    }
    entry.lastTimestamp = Math.max(entry.lastTimestamp, view.maxTimestamp);
    if (view.isControl) {
      const marker = readMarker(view);
      entry.coordinatorEpoch = Math.max(entry.coordinatorEpoch, marker.coordinatorEpoch);
      const firstOffset = entry.currentTxnFirstOffset;
      entry.currentTxnFirstOffset = -1;
      if (firstOffset < 0) return undefined;
      return { producerId: view.producerId, firstOffset, lastOffset: view.baseOffset, aborted: marker.type === ControlRecordType.ABORT };
    }
    if (view.isTransactional && entry.currentTxnFirstOffset < 0) entry.currentTxnFirstOffset = view.baseOffset;
    entry.batches.push({
      firstSeq: view.baseSequence,
      lastSeq: view.lastSequence,
      lastOffset: view.lastOffset,
      offsetDelta: view.lastOffsetDelta,
      timestamp: view.maxTimestamp,
    });
    if (entry.batches.length > MAX_CACHED_BATCHES) entry.batches.shift();
    return undefined;
  }

  /** Makes the staged changes visible. */
  commit(): void {
    for (const [producerId, entry] of this.changed) this.base.set(producerId, entry);
    this.changed.clear();
  }
}

function readMarker(view: RecordBatchView) {
  for (const record of view.records()) return readControlRecord(record);
  throw new SamsaError(ErrorCode.INVALID_RECORD, 'a control batch must hold one control record');
}

function fenced(view: RecordBatchView, entry: ProducerEntry): SamsaError {
  return new SamsaError(ErrorCode.INVALID_PRODUCER_EPOCH, `producer ${view.producerId} epoch ${view.producerEpoch} is older than ${entry.epoch}`);
}

function outOfOrder(view: RecordBatchView, detail: string): SamsaError {
  return new SamsaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `producer ${view.producerId}: ${detail}`);
}
