/**
 * EmbeddedMetadataStore: the single-machine MetadataStore — state in memory, durability from a
 * journal plus snapshots in one directory, leases on an injected Clock. One process only (a
 * LOCK file enforces it); there is nobody to fail over to, so it runs one controller.
 *
 * Files in `dir`: `journal` (framed entries, see records.ts and journal-file.ts), `snapshot`
 * (atomically replaced, see snapshot-file.ts), `LOCK`.
 *
 * Durability: a transaction, lease grant or lease expiry/revocation is appended to the journal
 * and fdatasync'ed *before* it touches memory, notifies watchers or resolves its promise, so
 * nothing acknowledged is lost by a crash (kill -9 or power loss). Keepalives are not journalled.
 * Open = load the snapshot, replay the journal entries after it (a torn last entry is trimmed),
 * give every lease a fresh TTL.
 *
 * Snapshot cadence: once the journal exceeds `snapshotThresholdBytes` (default 4 MiB) a snapshot
 * is written (temp file, fsync, rename, fsync dir) and the journal truncated, as a writer task of
 * its own right after the commit that crossed the threshold; `snapshot()` forces one.
 *
 * Watches: change history is kept in memory for the last `historyRevisions` (default 10,000)
 * revisions; a watch from an older revision, from before `compact()`, or from before the
 * snapshot the store was opened from fails with COMPACTED.
 *
 * Concurrency contract: every write (txn, lease grant/revoke/expiry, compact, snapshot) runs on
 * one SerialQueue, so writes are serialized and see each other's effects in order; reads are
 * served from memory at once and see only applied (durable) writes. Watch delivery follows
 * WatchHub's contract: revision order, no gaps between the start revision and now.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, systemClock, type Clock, type Logger, SerialQueue } from '@samsa/common';
import type {
  CampaignOptions,
  ElectionLeader,
  ElectionObserver,
  GetResult,
  Lease,
  LeaseId,
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
import { closedError, invalidArgument } from '../metadata-store-error.js';
import { campaign, observe } from '../election.js';
import { checkKey, checkLimit, checkTransaction, checkTtl } from '../operations.js';
import { lockDirectory } from './dir-lock.js';
import { EmbeddedLease } from './embedded-lease.js';
import { JournalFile } from './journal-file.js';
import { LeaseTimers } from './lease-timers.js';
import { decodeEntry, decodeSnapshot, encodeEntry, encodeSnapshot, type Change, type JournalEntry } from './records.js';
import { readSnapshotFile, writeSnapshotFile } from './snapshot-file.js';
import { StoreState } from './store-state.js';
import { WatchHub } from './watch-hub.js';

export interface EmbeddedMetadataStoreOptions {
  /** The data directory (created if missing). */
  dir: string;
  /** Drives lease TTLs and keepalives; default the system clock. */
  clock?: Clock;
  logger?: Logger;
  /** Journal size that triggers a snapshot and journal truncation; default 4 MiB. */
  snapshotThresholdBytes?: number;
  /** Revisions of change history kept for watches; default 10,000. */
  historyRevisions?: number;
}

export const JOURNAL_FILE = 'journal';

export async function openEmbeddedMetadataStore(options: EmbeddedMetadataStoreOptions): Promise<EmbeddedMetadataStore> {
  return EmbeddedMetadataStore.open(options);
}

export class EmbeddedMetadataStore implements MetadataStore {
  private readonly queue = new SerialQueue();
  private readonly hub: WatchHub;
  private readonly timers: LeaseTimers;
  private readonly handles = new Map<LeaseId, EmbeddedLease>();
  private closed = false;
  private snapshotQueued = false;

  private constructor(
    private readonly dir: string,
    private readonly state: StoreState,
    private readonly journal: JournalFile,
    private readonly unlock: () => Promise<void>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly snapshotThresholdBytes: number,
  ) {
    this.hub = new WatchHub(logger);
    this.timers = new LeaseTimers(clock, (id) => void this.revokeLease(id, 'expired').catch((error: unknown) => this.logger.error({ err: error, lease: id }, 'lease expiry failed')));
    for (const lease of state.leaseEntries()) this.timers.track(lease.id, lease.ttlMs);
  }

  static async open(options: EmbeddedMetadataStoreOptions): Promise<EmbeddedMetadataStore> {
    const logger = (options.logger ?? silentLogger).child({ component: 'EmbeddedMetadataStore' });
    const historyRevisions = options.historyRevisions ?? 10_000;
    await mkdir(options.dir, { recursive: true });
    const unlock = await lockDirectory(options.dir);
    try {
      const snapshot = await readSnapshotFile(options.dir);
      const state = snapshot ? StoreState.fromSnapshot(decodeSnapshot(snapshot), historyRevisions) : new StoreState(historyRevisions);
      const { journal, payloads, trimmedBytes } = await JournalFile.open(join(options.dir, JOURNAL_FILE));
      let replayed = 0;
      for (const payload of payloads) {
        const entry = decodeEntry(payload);
        if (entry.seq <= state.lastSeq) continue; // already in the snapshot
        state.apply(entry);
        replayed++;
      }
      if (trimmedBytes > 0) logger.warn({ trimmedBytes }, 'trimmed a torn entry from the end of the metadata journal');
      logger.info({ revision: state.revision, replayed, fromSnapshot: snapshot !== undefined }, 'metadata store opened');
      return new EmbeddedMetadataStore(options.dir, state, journal, unlock, options.clock ?? systemClock, logger, options.snapshotThresholdBytes ?? 4 * 1024 * 1024);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  async get(key: string): Promise<GetResult> {
    this.checkOpen();
    checkKey(key);
    return this.state.get(key);
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    this.checkOpen();
    checkLimit(options.limit);
    return this.state.range(prefix, options.limit);
  }

  txn(transaction: Transaction): Promise<TransactionResult> {
    return this.write(async () => {
      checkTransaction(transaction);
      const succeeded = this.state.evaluate(transaction.compare ?? []);
      const changes = this.state.plan((succeeded ? transaction.success : transaction.failure) ?? []);
      if (changes.length === 0) return { succeeded, revision: this.state.revision };
      await this.commit(changes);
      return { succeeded, revision: this.state.revision };
    });
  }

  async watch(prefix: string, options: WatchOptions): Promise<Watch> {
    this.checkOpen();
    const fromRevision = options.fromRevision ?? this.state.revision + 1;
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 1) throw invalidArgument(`a watch must start at a revision >= 1, got ${fromRevision}`);
    // Backlog read and registration happen in one synchronous step: no commit can fall between.
    const backlog = this.state.batchesFrom(fromRevision);
    return this.hub.subscribe(prefix, fromRevision, backlog, options);
  }

  compact(revision: number): Promise<void> {
    return this.write(async () => this.state.compact(revision));
  }

  grantLease(ttlMs: number, options: LeaseOptions = {}): Promise<Lease> {
    return this.write(async () => {
      checkTtl(ttlMs);
      const id = this.state.nextLeaseId;
      await this.commit([], { grant: { id, ttlMs } });
      this.timers.track(id, ttlMs);
      const lease = new EmbeddedLease(id, ttlMs, this, this.clock, options.autoKeepAlive ?? true);
      this.handles.set(id, lease);
      return lease;
    });
  }

  campaign(election: string, value: Buffer, options?: CampaignOptions): Promise<Leadership> {
    this.checkOpen();
    return campaign(this, election, value, options);
  }

  observe(election: string, onChange: (leader: ElectionLeader | undefined) => void): Promise<ElectionObserver> {
    this.checkOpen();
    return observe(this, election, onChange);
  }

  /** @internal LeaseOwner */
  keepAliveLease(id: LeaseId): void {
    this.checkOpen();
    this.timers.keepAlive(id);
  }

  /** @internal LeaseOwner; also the expiry path. Idempotent. */
  revokeLease(id: LeaseId, reason: 'revoked' | 'expired'): Promise<void> {
    return this.write(async () => {
      if (this.state.hasLease(id)) await this.commit(this.state.planRevoke(id), { revoke: { id, reason } });
      this.timers.forget(id);
      this.handles.get(id)?.markLost(reason);
      this.handles.delete(id);
    });
  }

  /** Writes a snapshot now and truncates the journal. */
  snapshot(): Promise<void> {
    return this.write(() => this.writeSnapshot());
  }

  /** The current revision (for tests and diagnostics). */
  get revision(): number {
    return this.state.revision;
  }

  get journalBytes(): number {
    return this.journal.sizeBytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.stopAll();
    for (const lease of this.handles.values()) lease.markLost('closed');
    this.handles.clear();
    this.hub.endAll(closedError());
    await this.queue.drain();
    await this.journal.close();
    await this.unlock();
  }

  private checkOpen(): void {
    if (this.closed) throw closedError();
  }

  /** Runs a writer task on the queue, refusing new work once closed. */
  private write<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return this.queue.run(task);
  }

  /** Journals then applies one entry: durable before visible. Runs on the queue only. */
  private async commit(changes: Change[], extra: Pick<JournalEntry, 'grant' | 'revoke'> = {}): Promise<void> {
    const entry: JournalEntry = {
      seq: this.state.lastSeq + 1,
      revision: this.state.revision + (changes.length > 0 ? 1 : 0),
      changes,
      ...extra,
    };
    await this.journal.append(encodeEntry(entry));
    const events = this.state.apply(entry);
    if (events.length > 0) this.hub.publish(events);
    if (this.journal.sizeBytes >= this.snapshotThresholdBytes) this.scheduleSnapshot();
  }

  private scheduleSnapshot(): void {
    if (this.snapshotQueued) return;
    this.snapshotQueued = true;
    this.queue
      .run(async () => {
        if (!this.closed) await this.writeSnapshot();
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'metadata snapshot failed; the journal keeps growing'))
      .finally(() => (this.snapshotQueued = false));
  }

  private async writeSnapshot(): Promise<void> {
    await writeSnapshotFile(this.dir, encodeSnapshot(this.state.toSnapshot()));
    await this.journal.reset();
    this.logger.debug({ revision: this.state.revision }, 'metadata snapshot written');
  }
}
