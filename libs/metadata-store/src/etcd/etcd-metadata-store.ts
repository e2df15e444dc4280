/**
 * EtcdMetadataStore: the MetadataStore on an etcd v3 cluster, through the `etcd3` npm client's
 * low-level KV, Watch and Lease RPCs. Controller failover is real here: every controller process
 * has its own client, and the election decides which one acts.
 *
 * Semantics are etcd's own (the interface was modelled on them): revisions, compares, watches and
 * compaction come straight from the server. Our additions:
 * - `namespace`: every key is stored under this prefix and returned without it, so several
 *   clusters (or tests) can share one etcd.
 * - Watches resume across lost streams and refuse compacted starts (see EtcdWatch); leases report
 *   loss as soon as they cannot be proven alive (see EtcdLease).
 * - Unary calls get a deadline (`requestTimeoutMs`), so a dead cluster surfaces as UNAVAILABLE
 *   instead of a hang. The client retries unavailable members itself; a transaction whose reply
 *   was lost may therefore be retried by the client, which is why every write is guarded by a
 *   compare (a retried guarded write fails its compare instead of applying twice).
 *
 * Concurrency: any number of concurrent calls; etcd serializes transactions. `close()` ends
 * watches (onError CLOSED), stops lease keepalives (leases then run out on etcd by their TTL —
 * resign first for a fast handover) and closes the client.
 */
import { Etcd3 } from 'etcd3';
import { silentLogger, systemClock, type Clock, type Logger } from '@samsa/common';
import type {
  CampaignOptions,
  ElectionLeader,
  ElectionObserver,
  GetResult,
  Lease,
  LeaseOptions,
  Leadership,
  MetadataStore,
  RangeOptions,
  RangeResult,
  Transaction,
  TransactionResult,
  Watch,
  WatchOptions,
} from '../metadata-store.js';
import { closedError, invalidArgument, isMetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import { campaign, observe } from '../election.js';
import { checkKey, checkLimit, checkTransaction } from '../operations.js';
import { etcdCall, KeyCodec, toNumber } from './etcd-codec.js';
import { EtcdLease } from './etcd-lease.js';
import { EtcdWatch } from './etcd-watch.js';

export interface EtcdMetadataStoreOptions {
  /** Client URLs, e.g. `http://127.0.0.1:2379`; give all members so the client can fail over. */
  endpoints: readonly string[];
  /** Prefix under which every key lives in etcd; default ''. */
  namespace?: string;
  /** Deadline of each unary call; default 5 s. */
  requestTimeoutMs?: number;
  /** Drives keepalives, lease checks and watch retries; default the system clock. */
  clock?: Clock;
  logger?: Logger;
}

export function connectEtcdMetadataStore(options: EtcdMetadataStoreOptions): EtcdMetadataStore {
  return new EtcdMetadataStore(options);
}

export class EtcdMetadataStore implements MetadataStore {
  private readonly client: Etcd3;
  private readonly keys: KeyCodec;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly watches = new Set<EtcdWatch>();
  private readonly leases = new Set<EtcdLease>();
  private closed = false;

  constructor(options: EtcdMetadataStoreOptions) {
    if (options.endpoints.length === 0) throw invalidArgument('etcd needs at least one endpoint');
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child({ component: 'EtcdMetadataStore' });
    this.keys = new KeyCodec(options.namespace ?? '');
    const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.client = new Etcd3({
      hosts: [...options.endpoints],
      // Streams (watch, keepalive) live long; only unary calls get a deadline. A gRPC deadline is
      // an absolute wall-clock time read by the gRPC runtime, so it comes from the real clock even
      // when tests inject a manual one for our own timers.
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
    });
  }

  async get(key: string): Promise<GetResult> {
    this.checkOpen();
    checkKey(key);
    const response = await etcdCall(() => this.client.kv.range({ key: this.keys.encode(key) }));
    const kv = response.kvs[0];
    return { kv: kv && this.keys.keyValue(kv), revision: toNumber(response.header.revision) };
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    this.checkOpen();
    checkLimit(options.limit);
    const limit = options.limit === undefined ? {} : { limit: options.limit };
    const response = await etcdCall(() => this.client.kv.range({ ...this.keys.prefixRange(prefix), ...limit }));
    return { kvs: response.kvs.map((kv) => this.keys.keyValue(kv)), revision: toNumber(response.header.revision) };
  }

  async txn(transaction: Transaction): Promise<TransactionResult> {
    this.checkOpen();
    checkTransaction(transaction);
    const response = await etcdCall(() =>
      this.client.kv.txn({
        compare: (transaction.compare ?? []).map((condition) => this.keys.compare(condition)),
        success: (transaction.success ?? []).map((op) => this.keys.operation(op)),
        failure: (transaction.failure ?? []).map((op) => this.keys.operation(op)),
      }),
    );
    return { succeeded: response.succeeded, revision: toNumber(response.header.revision) };
  }

  async watch(prefix: string, options: WatchOptions): Promise<Watch> {
    this.checkOpen();
    if (options.fromRevision !== undefined && (!Number.isSafeInteger(options.fromRevision) || options.fromRevision < 1)) {
      throw invalidArgument(`a watch must start at a revision >= 1, got ${options.fromRevision}`);
    }
    const watch = await EtcdWatch.start(
      { client: this.client, keys: this.keys, clock: this.clock, logger: this.logger, onFinished: (finished) => this.watches.delete(finished) },
      prefix,
      options,
    );
    if (this.closed) {
      await watch.cancel();
      throw closedError();
    }
    this.watches.add(watch);
    return watch;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (!Number.isSafeInteger(revision) || revision < 1) throw invalidArgument(`cannot compact at revision ${revision}`);
    try {
      await etcdCall(() => this.client.kv.compact({ revision, physical: true }));
    } catch (error) {
      // Compacting at or below an earlier compaction is a no-op, as in the embedded store.
      if (!isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED)) throw error;
    }
  }

  async grantLease(ttlMs: number, options: LeaseOptions = {}): Promise<Lease> {
    this.checkOpen();
    const lease = await EtcdLease.grant(
      { client: this.client, clock: this.clock, logger: this.logger, onFinished: (finished) => this.leases.delete(finished) },
      ttlMs,
      options,
    );
    if (this.closed) {
      lease.markLost('closed');
      throw closedError();
    }
    this.leases.add(lease);
    return lease;
  }

  campaign(election: string, value: Buffer, options?: CampaignOptions): Promise<Leadership> {
    this.checkOpen();
    return campaign(this, election, value, options);
  }

  observe(election: string, onChange: (leader: ElectionLeader | undefined) => void): Promise<ElectionObserver> {
    this.checkOpen();
    return observe(this, election, onChange);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.fail(closedError());
    for (const lease of [...this.leases]) lease.markLost('closed');
    this.client.close();
  }

  private checkOpen(): void {
    if (this.closed) throw closedError();
  }
}
