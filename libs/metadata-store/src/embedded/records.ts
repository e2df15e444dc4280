/**
 * The embedded store's durable records: journal entries and the snapshot, as JSON inside frames
 * (values base64). Metadata is small and rarely written, so a readable format wins over a dense one.
 *
 * A journal entry records *effects*, never requests: the puts and deletes a transaction resolved
 * to (a delete-prefix is already expanded to keys), a lease granted, a lease revoked or expired
 * with the keys that went with it. Replaying an entry therefore never re-evaluates a compare or
 * reads a clock, and replay on open runs the same `apply` as a live commit.
 *
 * Every entry has a sequence number `seq` (one per entry, increasing) and the store `revision`
 * after it. The snapshot records the last `seq` it includes, so entries at or below it are skipped
 * if the journal still holds them (a crash between snapshot rename and journal truncation).
 */
import type { LeaseId } from '../metadata-store.js';

export type Change = { readonly type: 'put'; readonly key: string; readonly value: Buffer; readonly lease?: LeaseId } | { readonly type: 'delete'; readonly key: string };

export interface JournalEntry {
  readonly seq: number;
  /** The store revision after this entry; one more than before iff `changes` is not empty. */
  readonly revision: number;
  readonly changes: readonly Change[];
  readonly grant?: { readonly id: LeaseId; readonly ttlMs: number };
  readonly revoke?: { readonly id: LeaseId; readonly reason: 'revoked' | 'expired' };
}

export interface SnapshotKeyValue {
  readonly key: string;
  readonly value: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly lease: LeaseId | undefined;
}

export interface Snapshot {
  readonly lastSeq: number;
  readonly revision: number;
  readonly nextLeaseId: number;
  readonly leases: ReadonlyArray<{ readonly id: LeaseId; readonly ttlMs: number }>;
  readonly kvs: readonly SnapshotKeyValue[];
}

const SNAPSHOT_FORMAT = 1;

export function encodeEntry(entry: JournalEntry): Buffer {
  const changes = entry.changes.map((change) =>
    change.type === 'put' ? { t: 'p', k: change.key, v: change.value.toString('base64'), l: change.lease } : { t: 'd', k: change.key },
  );
  return Buffer.from(JSON.stringify({ s: entry.seq, r: entry.revision, c: changes, g: entry.grant, x: entry.revoke }), 'utf8');
}

export function decodeEntry(payload: Buffer): JournalEntry {
  const raw = JSON.parse(payload.toString('utf8')) as {
    s: number;
    r: number;
    c: Array<{ t: 'p' | 'd'; k: string; v?: string; l?: string }>;
    g?: JournalEntry['grant'];
    x?: JournalEntry['revoke'];
  };
  const changes = raw.c.map((change): Change => {
    if (change.t === 'd') return { type: 'delete', key: change.k };
    const value = Buffer.from(change.v ?? '', 'base64');
    return change.l === undefined ? { type: 'put', key: change.k, value } : { type: 'put', key: change.k, value, lease: change.l };
  });
  return { seq: raw.s, revision: raw.r, changes, ...(raw.g && { grant: raw.g }), ...(raw.x && { revoke: raw.x }) };
}

export function encodeSnapshot(snapshot: Snapshot): Buffer {
  return Buffer.from(
    JSON.stringify({
      format: SNAPSHOT_FORMAT,
      lastSeq: snapshot.lastSeq,
      revision: snapshot.revision,
      nextLeaseId: snapshot.nextLeaseId,
      leases: snapshot.leases,
      kvs: snapshot.kvs.map((kv) => ({ ...kv, value: kv.value.toString('base64') })),
    }),
    'utf8',
  );
}

export function decodeSnapshot(payload: Buffer): Snapshot {
  const raw = JSON.parse(payload.toString('utf8')) as Omit<Snapshot, 'kvs'> & {
    format: number;
    kvs: Array<Omit<SnapshotKeyValue, 'value'> & { value: string }>;
  };
  if (raw.format !== SNAPSHOT_FORMAT) throw new Error(`unsupported metadata snapshot format ${raw.format}`);
  return {
    lastSeq: raw.lastSeq,
    revision: raw.revision,
    nextLeaseId: raw.nextLeaseId,
    leases: raw.leases,
    kvs: raw.kvs.map((kv) => ({ ...kv, value: Buffer.from(kv.value, 'base64'), lease: kv.lease ?? undefined })),
  };
}
