/**
 * MetadataStore: the port through which the controller keeps cluster metadata — get and range,
 * compare-and-set transactions, prefix watches, leases and leader election. Two adapters
 * implement it: the embedded journal store (one process, the single-machine default) and etcd.
 * The controller never knows which it has; one contract suite runs against both.
 *
 * Vocabulary and invariants (etcd's v3 model, which the embedded store copies):
 * - Keys are strings (compared and ranged by their UTF-8 bytes); values are Buffers. Buffers a
 *   store returns may be shared with its cache and other watchers: treat them as read-only.
 * - The store has one **revision** counter. Every transaction that changes something bumps it by
 *   exactly one, and all its changes carry that revision; reads and transactions that change
 *   nothing leave it alone. Every read returns the revision it observed.
 * - A key's `createRevision` is the revision that created it (after its last deletion),
 *   `modRevision` the last change, `version` the number of puts since creation.
 * - A transaction evaluates all `compare` conditions atomically against the current state, then
 *   applies `success` (all true) or `failure` (any false) as one atomic change.
 *   A `value` comparison against a missing key is always false, whatever the operator (etcd).
 * - Watches deliver every change under a prefix from `fromRevision` on, in revision order, with
 *   no gaps; all changes of one revision arrive in the same batch. A watch from a revision the
 *   store has compacted **fails**: `watch()` rejects with `COMPACTED` (the caller re-reads with
 *   `range` and watches from that read's revision + 1). A watch that is already running and falls
 *   behind a compaction (etcd only: a long disconnection) ends with `onError(COMPACTED)`.
 * - Leases expire `ttlMs` after the last keepalive; expiry or revocation deletes every key
 *   attached to the lease in one revision, and resolves the lease's `lost` promise.
 * - Leadership (see {@link Leadership}) is held through a lease: when the lease lapses or the
 *   leader's key is deleted, leadership is lost and `lost` resolves. Every write a leader makes
 *   must carry its {@link Leadership.fence} compare so a deposed leader cannot write.
 */
import type { MetadataStoreError } from './metadata-store-error.js';

/** etcd lease ids are int64; carried as decimal strings so they never lose precision. */
export type LeaseId = string;

export interface KeyValue {
  readonly key: string;
  readonly value: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  /** Number of puts since the key was (re)created; 1 after the first put. */
  readonly version: number;
  /** The lease the key is attached to, if any. */
  readonly lease: LeaseId | undefined;
}

export interface GetResult {
  readonly kv: KeyValue | undefined;
  /** The store revision this read observed. */
  readonly revision: number;
}

export interface RangeResult {
  /** Matching keys in ascending key (byte) order. */
  readonly kvs: readonly KeyValue[];
  /** The store revision this read observed. */
  readonly revision: number;
}

export interface RangeOptions {
  /** At most this many keys (the first ones in key order); default all. */
  readonly limit?: number;
}

export type CompareOperator = '==' | '!=' | '<' | '>';

/** A condition of a transaction; see the helpers in `compare`. */
export type Compare =
  | { readonly target: 'value'; readonly key: string; readonly operator: CompareOperator; readonly value: Buffer }
  | {
      readonly target: 'version' | 'createRevision' | 'modRevision';
      readonly key: string;
      readonly operator: CompareOperator;
      readonly value: number;
    }
  /** The key does not exist (etcd: version == 0). */
  | { readonly target: 'absent'; readonly key: string };

/** A write in a transaction branch; see the helpers in `operation`. */
export type Operation =
  | { readonly type: 'put'; readonly key: string; readonly value: Buffer; readonly lease?: LeaseId }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'deletePrefix'; readonly prefix: string };

export interface Transaction {
  readonly compare?: readonly Compare[];
  /** Applied when every compare holds (or there are none). */
  readonly success?: readonly Operation[];
  /** Applied when any compare fails. */
  readonly failure?: readonly Operation[];
}

export interface TransactionResult {
  readonly succeeded: boolean;
  /** The revision after the transaction: its own revision if it changed something. */
  readonly revision: number;
}

export interface WatchEvent {
  readonly type: 'put' | 'delete';
  readonly key: string;
  /** The revision of the change (the key's modRevision for a put). */
  readonly revision: number;
  /** The key after a put; undefined for a delete. */
  readonly kv: KeyValue | undefined;
}

export interface WatchOptions {
  /** First revision to deliver; default the store's current revision + 1 (only new changes). */
  readonly fromRevision?: number;
  /** Called with whole revisions, in revision order; never called after `cancel()` resolves. */
  readonly onEvents: (events: readonly WatchEvent[]) => void;
  /** Called once if the watch ends by itself (compaction, store closed); then no more events. */
  readonly onError?: (error: MetadataStoreError) => void;
}

export interface Watch {
  /** The first revision this watch delivers. */
  readonly fromRevision: number;
  cancel(): Promise<void>;
}

export type LeaseLossReason = 'revoked' | 'expired' | 'closed';

export interface LeaseOptions {
  /** Keep the lease alive every ttl/3 until it is revoked or the store closes; default true. */
  readonly autoKeepAlive?: boolean;
}

export interface Lease {
  readonly id: LeaseId;
  /** The TTL the store granted (etcd rounds up to whole seconds and may raise small TTLs). */
  readonly ttlMs: number;
  /** Extends the lease by its TTL; rejects with `LEASE_NOT_FOUND` once it has expired. */
  keepAlive(): Promise<void>;
  /** Ends the lease now, deleting its keys. Idempotent. */
  revoke(): Promise<void>;
  /** Resolves once the lease is gone (or, for etcd, cannot be confirmed alive within its TTL). */
  readonly lost: Promise<LeaseLossReason>;
  isAlive(): boolean;
}

export interface ElectionLeader {
  /** The leader's candidate key. */
  readonly key: string;
  readonly value: Buffer;
  /** The candidate key's createRevision: unique per term and increasing across leaders. */
  readonly epoch: number;
}

export type LeadershipLossReason = 'resigned' | 'lease-lost' | 'key-deleted' | 'closed';

export interface CampaignOptions {
  /** Hold leadership through this lease (the caller keeps it alive and revokes it). */
  readonly lease?: Lease;
  /** TTL of the lease the campaign grants itself when no `lease` is given; default 10 s. */
  readonly ttlMs?: number;
  /** Aborting withdraws the candidacy; `campaign` then rejects with `ABORTED`. */
  readonly signal?: AbortSignal;
}

export interface Leadership extends ElectionLeader {
  readonly election: string;
  readonly lease: Lease;
  /** Resolves with the reason once this candidate is no longer leader. */
  readonly lost: Promise<LeadershipLossReason>;
  /** Aborted when leadership is lost: pass it to work that must stop with leadership. */
  readonly signal: AbortSignal;
  isLeader(): boolean;
  /** The compare that fences a write to this term: the leader key still has this epoch. */
  fence(): Compare;
  /** Gives up leadership (deletes the candidate key; revokes the lease if the campaign made it). */
  resign(): Promise<void>;
}

export interface ElectionObserver {
  /** The current leader, undefined while there is none. */
  readonly leader: ElectionLeader | undefined;
  cancel(): Promise<void>;
}

export interface MetadataStore {
  get(key: string): Promise<GetResult>;
  /** Every key starting with `prefix` ('' for all keys). */
  range(prefix: string, options?: RangeOptions): Promise<RangeResult>;
  txn(transaction: Transaction): Promise<TransactionResult>;
  /** Resolves once the watch is established; rejects with `COMPACTED` for a compacted start. */
  watch(prefix: string, options: WatchOptions): Promise<Watch>;
  /** Discards change history before `revision`: later watches must start at or after it. */
  compact(revision: number): Promise<void>;
  grantLease(ttlMs: number, options?: LeaseOptions): Promise<Lease>;
  /**
   * Enters the election named by the key prefix `election` and resolves once this candidate is
   * leader (the oldest live candidate). Rejects with `LEASE_NOT_FOUND` if its lease lapses first.
   */
  campaign(election: string, value: Buffer, options?: CampaignOptions): Promise<Leadership>;
  /** Follows an election: `onChange` runs whenever the leader (or its value) changes. */
  observe(election: string, onChange: (leader: ElectionLeader | undefined) => void): Promise<ElectionObserver>;
  /** Ends watches, observers, campaigns and auto keepalives; later calls reject with `CLOSED`. */
  close(): Promise<void>;
}
