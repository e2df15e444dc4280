/**
 * Leader election over the MetadataStore primitives — etcd's `concurrency.Election` algorithm, so
 * both stores share one implementation and one behaviour.
 *
 * A candidate writes `<election>/<leaseId>` with its lease attached (create-if-absent). Candidates
 * are ordered by their key's createRevision; the oldest live one is leader. A candidate waits
 * until no key older than its own remains, by following the election prefix with a PrefixMirror.
 * The leader's key createRevision is its **epoch**: unique per term and increasing across terms,
 * so `compare.createRevision(key, '==', epoch)` in a write's transaction fences a deposed leader.
 *
 * Leadership ends when: the holder resigns; the lease is lost (expired, revoked, keepalive
 * unconfirmed for a TTL); the candidate key disappears; the store closes. The holder learns it
 * through `lost` and `signal`. Loss is reported as soon as this process can know it, which for
 * etcd may be after the server already expired the lease — hence the fence on every write.
 *
 * Concurrency: all state changes happen in mirror and lease callbacks, which run one at a time.
 */
import type { CampaignOptions, ElectionLeader, ElectionObserver, KeyValue, Lease, Leadership, LeadershipLossReason, MetadataStore } from './metadata-store.js';
import { isMetadataStoreError, leaseNotFound, MetadataStoreError, MetadataStoreErrorCode } from './metadata-store-error.js';
import { LossLatch } from './loss-latch.js';
import { compare, electionPrefix, operation } from './operations.js';
import { PrefixMirror } from './prefix-mirror.js';

export type ElectionStore = Pick<MetadataStore, 'get' | 'range' | 'watch' | 'txn' | 'grantLease'>;

export const DEFAULT_CAMPAIGN_TTL_MS = 10_000;

export async function campaign(store: ElectionStore, election: string, value: Buffer, options: CampaignOptions = {}): Promise<Leadership> {
  const prefix = electionPrefix(election);
  if (options.signal?.aborted) throw abortedError();
  const ownsLease = options.lease === undefined;
  const lease = options.lease ?? (await store.grantLease(options.ttlMs ?? DEFAULT_CAMPAIGN_TTL_MS));
  const key = `${prefix}${lease.id}`;
  let epoch: number;
  try {
    epoch = await createCandidateKey(store, key, value, lease);
  } catch (error) {
    if (ownsLease) await lease.revoke().catch(() => undefined);
    throw error;
  }
  return new Candidate(store, prefix, key, value, epoch, lease, ownsLease).awaitLeadership(options.signal);
}

export async function observe(store: ElectionStore, election: string, onChange: (leader: ElectionLeader | undefined) => void): Promise<ElectionObserver> {
  let leader: ElectionLeader | undefined;
  let ready = false;
  const mirror = await PrefixMirror.open(store, electionPrefix(election), {
    onChange: (current) => {
      const next = oldestCandidate(current.entries.values());
      if (sameLeader(leader, next)) return;
      leader = next;
      if (ready) onChange(next);
    },
    onEnd: () => undefined,
  });
  ready = true;
  return {
    get leader() {
      return leader;
    },
    cancel: () => mirror.close(),
  };
}

/** Creates the candidate key, or adopts it (with our value) if this lease already has one. */
async function createCandidateKey(store: ElectionStore, key: string, value: Buffer, lease: Lease): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const created = await store.txn({ compare: [compare.absent(key)], success: [operation.put(key, value, { lease: lease.id })] });
    if (created.succeeded) return created.revision;
    const { kv } = await store.get(key);
    if (!kv) continue;
    if (kv.value.equals(value)) return kv.createRevision;
    const updated = await store.txn({
      compare: [compare.createRevision(key, '==', kv.createRevision)],
      success: [operation.put(key, value, { lease: lease.id })],
    });
    if (updated.succeeded) return kv.createRevision;
  }
  throw new Error(`election key ${key} kept changing while campaigning`);
}

class Candidate implements Leadership {
  private state: 'campaigning' | 'leader' | 'ended' = 'campaigning';
  private readonly latch = new LossLatch<LeadershipLossReason>();
  private mirror: PrefixMirror | undefined;
  private cleanup: Promise<void> = Promise.resolve();
  private elected: (leadership: Leadership) => void = () => undefined;
  private failed: (error: unknown) => void = () => undefined;

  constructor(
    private readonly store: ElectionStore,
    readonly election: string,
    readonly key: string,
    readonly value: Buffer,
    readonly epoch: number,
    readonly lease: Lease,
    private readonly ownsLease: boolean,
  ) {}

  get lost(): Promise<LeadershipLossReason> {
    return this.latch.promise;
  }

  get signal(): AbortSignal {
    return this.latch.signal;
  }

  isLeader(): boolean {
    return this.state === 'leader';
  }

  fence() {
    return compare.createRevision(this.key, '==', this.epoch);
  }

  async resign(): Promise<void> {
    this.end('resigned', abortedError());
    await this.cleanup;
  }

  awaitLeadership(signal: AbortSignal | undefined): Promise<Leadership> {
    return new Promise<Leadership>((resolve, reject) => {
      this.elected = resolve;
      this.failed = reject;
      const onAbort = () => this.end('resigned', abortedError());
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort(); // aborted while the candidate key was being written
      void this.latch.promise.then(() => signal?.removeEventListener('abort', onAbort));
      void this.lease.lost.then((reason) => this.end(reason === 'closed' ? 'closed' : 'lease-lost', leaseNotFound(this.lease.id)));
      PrefixMirror.open(this.store, this.election, {
        onChange: (mirror) => this.evaluate(mirror),
        onEnd: (error) => this.end(error.code === MetadataStoreErrorCode.CLOSED ? 'closed' : 'key-deleted', error),
      }).then(
        (mirror) => {
          this.mirror = mirror;
          if (this.state === 'ended') void mirror.close();
        },
        (error: unknown) => this.end(isMetadataStoreError(error, MetadataStoreErrorCode.CLOSED) ? 'closed' : 'key-deleted', error),
      );
    });
  }

  private evaluate(mirror: PrefixMirror): void {
    if (this.state === 'ended') return;
    const mine = mirror.entries.get(this.key);
    if (!mine || mine.createRevision !== this.epoch) {
      const error = new MetadataStoreError(MetadataStoreErrorCode.LEASE_NOT_FOUND, `election candidate key ${this.key} was deleted (its lease lapsed?)`);
      this.end('key-deleted', error);
      return;
    }
    if (this.state === 'leader') return;
    for (const kv of mirror.entries.values()) {
      if (kv.createRevision < this.epoch) return; // an older candidate still stands
    }
    this.state = 'leader';
    this.elected(this);
  }

  /** Ends the candidacy or term once; a campaign still waiting rejects with `error`. */
  private end(reason: LeadershipLossReason, error: unknown): void {
    if (this.state === 'ended') return;
    const wasLeader = this.state === 'leader';
    this.state = 'ended';
    this.latch.settle(reason);
    if (!wasLeader) this.failed(error);
    this.cleanup = this.release(reason);
  }

  /** Withdraws the candidate key so the next candidate can lead; best effort once the store is gone. */
  private async release(reason: LeadershipLossReason): Promise<void> {
    await this.mirror?.close().catch(() => undefined);
    if (reason === 'closed') return;
    try {
      if (this.ownsLease) await this.lease.revoke();
      else await this.store.txn({ compare: [this.fence()], success: [operation.delete(this.key)] });
    } catch {
      // The lease or key is gone already, or the store is unreachable: its TTL will clean up.
    }
  }
}

function oldestCandidate(entries: Iterable<KeyValue>): ElectionLeader | undefined {
  let oldest: KeyValue | undefined;
  for (const kv of entries) if (!oldest || kv.createRevision < oldest.createRevision) oldest = kv;
  return oldest && { key: oldest.key, value: oldest.value, epoch: oldest.createRevision };
}

function sameLeader(a: ElectionLeader | undefined, b: ElectionLeader | undefined): boolean {
  if (!a || !b) return a === b;
  return a.key === b.key && a.epoch === b.epoch && a.value.equals(b.value);
}

function abortedError(): MetadataStoreError {
  return new MetadataStoreError(MetadataStoreErrorCode.ABORTED, 'the campaign was withdrawn');
}
