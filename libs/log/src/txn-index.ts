/**
 * TransactionIndex (`.txnindex`, spec §8.8): the aborted transactions whose ABORT marker lies in
 * this segment. Entry = 34 bytes big-endian: version int16 (0), producerId int64, firstOffset int64
 * (may lie in an earlier segment), lastOffset int64 (the marker's offset), lastStableOffset int64.
 * Held in memory and written lazily like the sparse indexes; rebuilt from the log on recovery.
 */
import { readFile, rm } from 'node:fs/promises';
import { writeIndexEntries } from './index-file.js';

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export const TXN_ENTRY_SIZE = 34;

export function encodeAbortedTxn(txn: AbortedTxn, target = Buffer.alloc(TXN_ENTRY_SIZE), at = 0): Buffer {
  target.writeInt16BE(0, at);
  target.writeBigInt64BE(BigInt(txn.producerId), at + 2);
  target.writeBigInt64BE(BigInt(txn.firstOffset), at + 10);
  target.writeBigInt64BE(BigInt(txn.lastOffset), at + 18);
  target.writeBigInt64BE(BigInt(txn.lastStableOffset), at + 26);
  return target;
}

export class TransactionIndex {
  private entries: AbortedTxn[] = [];
  private persisted = 0;
  private rewriteNeeded = false;

  constructor(readonly path: string) {}

  static async load(path: string): Promise<TransactionIndex | undefined> {
    const index = new TransactionIndex(path);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return index; // created lazily: a missing file means no aborted transactions
    }
    if (bytes.length % TXN_ENTRY_SIZE !== 0) return undefined;
    for (let at = 0; at < bytes.length; at += TXN_ENTRY_SIZE) {
      if (bytes.readInt16BE(at) !== 0) return undefined;
      index.entries.push({
        producerId: Number(bytes.readBigInt64BE(at + 2)),
        firstOffset: Number(bytes.readBigInt64BE(at + 10)),
        lastOffset: Number(bytes.readBigInt64BE(at + 18)),
        lastStableOffset: Number(bytes.readBigInt64BE(at + 26)),
      });
    }
    index.persisted = index.entries.length;
    return index;
  }

  get all(): readonly AbortedTxn[] {
    return this.entries;
  }

  append(txn: AbortedTxn): void {
    this.entries.push(txn);
  }

  /** Entries overlapping [fetchOffset, upperBound); `done` when a later segment cannot matter. */
  collect(fetchOffset: number, upperBound: number): { found: AbortedTxn[]; done: boolean } {
    const found: AbortedTxn[] = [];
    for (const txn of this.entries) {
      if (txn.lastOffset >= fetchOffset && txn.firstOffset < upperBound) found.push(txn);
      if (txn.lastStableOffset >= upperBound) return { found, done: true };
    }
    return { found, done: false };
  }

  /** Drops entries whose marker is at or after `offset`. */
  truncateFrom(offset: number): void {
    const keep = this.entries.filter((txn) => txn.lastOffset < offset);
    if (keep.length === this.entries.length) return;
    this.entries = keep;
    this.persisted = Math.min(this.persisted, keep.length);
    this.rewriteNeeded = true;
  }

  reset(): void {
    this.entries = [];
    this.persisted = 0;
    this.rewriteNeeded = true;
  }

  async flush(sync: boolean): Promise<void> {
    if (this.entries.length === 0 && !this.rewriteNeeded) return;
    if (!this.rewriteNeeded && this.persisted === this.entries.length && !sync) return;
    const from = this.rewriteNeeded ? 0 : this.persisted;
    const bytes = Buffer.alloc((this.entries.length - from) * TXN_ENTRY_SIZE);
    this.entries.slice(from).forEach((txn, i) => encodeAbortedTxn(txn, bytes, i * TXN_ENTRY_SIZE));
    await writeIndexEntries(this.path, bytes, this.rewriteNeeded, sync);
    this.persisted = this.entries.length;
    this.rewriteNeeded = false;
  }

  async delete(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
