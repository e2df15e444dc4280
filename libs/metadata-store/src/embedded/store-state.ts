/**
 * StoreState: the embedded store's in-memory state — keys, leases, the revision counter and the
 * recent change history that watches replay — and the only code that changes it, `apply`.
 *
 * Invariants:
 * - State changes only in `apply(entry)`, for live commits and for replay on open alike; `plan*`
 *   and `evaluate` read but never write. The store makes an entry durable before applying it.
 * - `revision` grows by one per entry with changes; an entry claiming any other revision is
 *   corruption and `apply` throws.
 * - Every key attached to a lease is in that lease's key set, and only those.
 * - `history` holds every change batch with revision >= `compactRevision`, oldest first; a
 *   watch may start at any revision >= `compactRevision`. History is memory only: after a
 *   restart it starts at the snapshot's revision + 1 (the journal replays the rest).
 *
 * Not thread-safe by design: the store drives it from its single-writer queue.
 */
import type { Compare, GetResult, KeyValue, LeaseId, Operation, RangeResult, WatchEvent } from '../metadata-store.js';
import { compactedError, invalidArgument, leaseNotFound } from '../metadata-store-error.js';
import { applyOperator, compareKeys } from '../operations.js';
import type { Change, JournalEntry, Snapshot } from './records.js';

interface LeaseRecord {
  readonly ttlMs: number;
  readonly keys: Set<string>;
}

export const INITIAL_REVISION = 1;

export class StoreState {
  private readonly kvs = new Map<string, KeyValue>();
  private readonly leases = new Map<LeaseId, LeaseRecord>();
  private readonly history: Array<{ revision: number; events: WatchEvent[] }> = [];
  private currentRevision = INITIAL_REVISION;
  private oldestWatchableRevision = INITIAL_REVISION;
  private lastSequence = 0;
  private nextLease = 1;

  constructor(private readonly historyRevisions: number) {}

  static fromSnapshot(snapshot: Snapshot, historyRevisions: number): StoreState {
    const state = new StoreState(historyRevisions);
    state.currentRevision = snapshot.revision;
    state.oldestWatchableRevision = snapshot.revision + 1;
    state.lastSequence = snapshot.lastSeq;
    state.nextLease = snapshot.nextLeaseId;
    for (const lease of snapshot.leases) state.leases.set(lease.id, { ttlMs: lease.ttlMs, keys: new Set() });
    for (const kv of snapshot.kvs) {
      state.kvs.set(kv.key, kv);
      if (kv.lease !== undefined) state.leases.get(kv.lease)?.keys.add(kv.key);
    }
    return state;
  }

  toSnapshot(): Snapshot {
    return {
      lastSeq: this.lastSequence,
      revision: this.currentRevision,
      nextLeaseId: this.nextLease,
      leases: [...this.leases].map(([id, lease]) => ({ id, ttlMs: lease.ttlMs })),
      kvs: [...this.kvs.values()],
    };
  }

  get revision(): number {
    return this.currentRevision;
  }

  get lastSeq(): number {
    return this.lastSequence;
  }

  get compactRevision(): number {
    return this.oldestWatchableRevision;
  }

  /** The id the next granted lease gets. */
  get nextLeaseId(): LeaseId {
    return String(this.nextLease);
  }

  leaseEntries(): Array<{ id: LeaseId; ttlMs: number }> {
    return [...this.leases].map(([id, lease]) => ({ id, ttlMs: lease.ttlMs }));
  }

  hasLease(id: LeaseId): boolean {
    return this.leases.has(id);
  }

  get(key: string): GetResult {
    return { kv: this.kvs.get(key), revision: this.currentRevision };
  }

  range(prefix: string, limit = Number.POSITIVE_INFINITY): RangeResult {
    const kvs = [...this.kvs.values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => compareKeys(a.key, b.key));
    return { kvs: kvs.length > limit ? kvs.slice(0, limit) : kvs, revision: this.currentRevision };
  }

  /** True when every condition holds now. */
  evaluate(conditions: readonly Compare[]): boolean {
    return conditions.every((condition) => {
      const kv = this.kvs.get(condition.key);
      switch (condition.target) {
        case 'absent':
          return kv === undefined;
        case 'value':
          return kv !== undefined && applyOperator(condition.operator, Buffer.compare(kv.value, condition.value));
        default:
          return applyOperator(condition.operator, Math.sign((kv?.[condition.target] ?? 0) - condition.value));
      }
    });
  }

  /** The changes `operations` resolve to now; a put on an unknown lease throws LEASE_NOT_FOUND. */
  plan(operations: readonly Operation[]): Change[] {
    const changes: Change[] = [];
    const deleted = new Set<string>();
    const remove = (key: string) => {
      if (!this.kvs.has(key) || deleted.has(key)) return;
      deleted.add(key);
      changes.push({ type: 'delete', key });
    };
    for (const op of operations) {
      if (op.type === 'put') {
        if (op.lease !== undefined && !this.leases.has(op.lease)) throw leaseNotFound(op.lease);
        // A copy: the caller may reuse its buffer after the promise resolves.
        const value = Buffer.from(op.value);
        changes.push(op.lease === undefined ? { type: 'put', key: op.key, value } : { type: 'put', key: op.key, value, lease: op.lease });
      } else if (op.type === 'delete') {
        remove(op.key);
      } else {
        for (const kv of this.range(op.prefix).kvs) remove(kv.key);
      }
    }
    return changes;
  }

  /** The deletes that revoking lease `id` causes, in key order. */
  planRevoke(id: LeaseId): Change[] {
    const keys = [...(this.leases.get(id)?.keys ?? [])].sort(compareKeys);
    return keys.map((key) => ({ type: 'delete', key }));
  }

  /** Applies a durable entry and returns its watch events (none if it changed no key). */
  apply(entry: JournalEntry): WatchEvent[] {
    const expected = this.currentRevision + (entry.changes.length > 0 ? 1 : 0);
    if (entry.revision !== expected || entry.seq <= this.lastSequence) {
      throw new Error(`metadata journal entry seq ${entry.seq} claims revision ${entry.revision}, expected ${expected} after seq ${this.lastSequence}`);
    }
    if (entry.grant) {
      this.leases.set(entry.grant.id, { ttlMs: entry.grant.ttlMs, keys: new Set() });
      this.nextLease = Math.max(this.nextLease, Number(entry.grant.id) + 1);
    }
    const revision = entry.revision;
    const events: WatchEvent[] = [];
    for (const change of entry.changes) {
      const previous = this.kvs.get(change.key);
      if (previous?.lease !== undefined) this.leases.get(previous.lease)?.keys.delete(change.key);
      if (change.type === 'delete') {
        this.kvs.delete(change.key);
        events.push({ type: 'delete', key: change.key, revision, kv: undefined });
        continue;
      }
      const kv: KeyValue = {
        key: change.key,
        value: change.value,
        createRevision: previous?.createRevision ?? revision,
        modRevision: revision,
        version: (previous?.version ?? 0) + 1,
        lease: change.lease,
      };
      this.kvs.set(change.key, kv);
      if (change.lease !== undefined) this.leases.get(change.lease)?.keys.add(change.key);
      events.push({ type: 'put', key: change.key, revision, kv });
    }
    if (entry.revoke) this.leases.delete(entry.revoke.id);
    this.currentRevision = revision;
    this.lastSequence = entry.seq;
    if (events.length > 0) this.remember(revision, events);
    return events;
  }

  /** Forgets history before `revision`; later watches must start at or after it. */
  compact(revision: number): void {
    if (!Number.isSafeInteger(revision) || revision > this.currentRevision) {
      throw invalidArgument(`cannot compact at revision ${revision}: the current revision is ${this.currentRevision}`);
    }
    if (revision <= this.oldestWatchableRevision) return;
    const keep = this.history.findIndex((batch) => batch.revision >= revision);
    this.history.splice(0, keep === -1 ? this.history.length : keep);
    this.oldestWatchableRevision = revision;
  }

  /** Change batches with revision >= `fromRevision`; throws COMPACTED if some are forgotten. */
  batchesFrom(fromRevision: number): Array<{ revision: number; events: WatchEvent[] }> {
    if (fromRevision < this.oldestWatchableRevision) throw compactedError(fromRevision, this.oldestWatchableRevision);
    let first = this.history.length;
    while (first > 0 && (this.history[first - 1]?.revision ?? 0) >= fromRevision) first--;
    return this.history.slice(first);
  }

  private remember(revision: number, events: WatchEvent[]): void {
    this.history.push({ revision, events });
    if (this.history.length > this.historyRevisions) {
      const dropped = this.history.shift();
      if (dropped) this.oldestWatchableRevision = dropped.revision + 1;
    }
  }
}
