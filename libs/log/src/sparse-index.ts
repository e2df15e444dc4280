/**
 * SparseIndex: the common machinery of the offset index and the time index (spec §5.2, §5.3).
 *
 * Entries are (key, value) pairs with strictly increasing keys, held in memory and persisted to
 * the index file lazily: new entries are appended to the file on `flush`, the whole file is
 * rewritten after a truncation. The file is never trusted blindly: `load` checks it against the
 * segment (monotonic keys and values, values inside the log) and returns undefined when it does
 * not hold, so the segment rebuilds it from the log.
 *
 * Concurrency: owned by one LogSegment; callers serialize mutations.
 */
import { readFile, rm } from 'node:fs/promises';
import { writeIndexEntries } from './index-file.js';

export interface EntryCodec {
  /** Bytes per entry on disk. */
  entrySize: number;
  write(target: Buffer, at: number, key: number, value: number): void;
  readKey(source: Buffer, at: number): number;
  readValue(source: Buffer, at: number): number;
}

export class SparseIndex {
  private keys: number[] = [];
  private values: number[] = [];

  private persisted = 0;
  private rewriteNeeded = false;

  constructor(
    readonly path: string,
    private readonly codec: EntryCodec,
    readonly maxEntries: number,
  ) {}

  /** Reads `path`; undefined when the file is missing or fails `isValid`. */
  static async load(
    path: string,
    codec: EntryCodec,
    maxEntries: number,
    isValid: (key: number, value: number, previous: { key: number; value: number } | undefined) => boolean,
  ): Promise<SparseIndex | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return undefined;
    }
    if (bytes.length % codec.entrySize !== 0 || bytes.length / codec.entrySize > maxEntries) return undefined;
    const index = new SparseIndex(path, codec, maxEntries);
    const count = bytes.length / codec.entrySize;
    index.keys = new Array<number>(count);
    index.values = new Array<number>(count);
    let previous: { key: number; value: number } | undefined;
    for (let i = 0, at = 0; i < count; i++, at += codec.entrySize) {
      const key = codec.readKey(bytes, at);
      const value = codec.readValue(bytes, at);
      if (!isValid(key, value, previous)) return undefined;
      index.keys[i] = key;
      index.values[i] = value;
      if (previous) {
        previous.key = key;
        previous.value = value;
      } else {
        previous = { key, value };
      }
    }
    index.persisted = index.keys.length;
    return index;
  }

  get entries(): number {
    return this.keys.length;
  }

  get isFull(): boolean {
    return this.keys.length >= this.maxEntries;
  }

  lastEntry(): { key: number; value: number } | undefined {
    const last = this.keys.length - 1;
    return last < 0 ? undefined : { key: this.keys[last] as number, value: this.values[last] as number };
  }

  append(key: number, value: number): void {
    const last = this.keys.length - 1;
    if (last >= 0 && key <= (this.keys[last] as number)) throw new Error(`index keys must increase: ${key} after ${this.keys[last]}`);
    if (this.isFull) throw new Error(`index ${this.path} is full`);
    this.keys.push(key);
    this.values.push(value);
  }

  /** The entry with the largest key ≤ `key`, or undefined when every key is larger. */
  floor(key: number): { key: number; value: number } | undefined {
    let low = 0;
    let high = this.keys.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if ((this.keys[mid] as number) <= key) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? undefined : { key: this.keys[found] as number, value: this.values[found] as number };
  }

  /** Removes every entry whose key (or, with `byValue`, value) is ≥ `limit`. */
  truncateFrom(limit: number, byValue = false): void {
    const column = byValue ? this.values : this.keys;
    let keep = column.length;
    while (keep > 0 && (column[keep - 1] as number) >= limit) keep--;
    if (keep === this.keys.length) return;
    this.keys.length = keep;
    this.values.length = keep;
    if (keep < this.persisted) {
      this.persisted = keep;
      this.rewriteNeeded = true;
    }
  }

  reset(): void {
    this.truncateFrom(Number.NEGATIVE_INFINITY);
    this.rewriteNeeded = true;
  }

  /** Writes entries not yet on disk (or the whole file after a truncation); `sync` also fsyncs. */
  async flush(sync: boolean): Promise<void> {
    if (!this.rewriteNeeded && this.persisted === this.keys.length && !sync) return;
    const from = this.rewriteNeeded ? 0 : this.persisted;
    const size = this.codec.entrySize;
    const bytes = Buffer.alloc((this.keys.length - from) * size);
    for (let i = from; i < this.keys.length; i++) this.codec.write(bytes, (i - from) * size, this.keys[i] as number, this.values[i] as number);
    await writeIndexEntries(this.path, bytes, this.rewriteNeeded, sync);
    this.persisted = this.keys.length;
    this.rewriteNeeded = false;
  }

  async delete(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/** Offset index entry: relativeOffset int32 + position int32 (8 bytes). */
export const OFFSET_ENTRY: EntryCodec = {
  entrySize: 8,
  write: (target, at, key, value) => {
    target.writeInt32BE(key, at);
    target.writeInt32BE(value, at + 4);
  },
  readKey: (source, at) => source.readInt32BE(at),
  readValue: (source, at) => source.readInt32BE(at + 4),
};

/** Time index entry: timestamp int64 + relativeOffset int32 (12 bytes). */
export const TIME_ENTRY: EntryCodec = {
  entrySize: 12,
  write: (target, at, key, value) => {
    target.writeBigInt64BE(BigInt(key), at);
    target.writeInt32BE(value, at + 8);
  },
  // Timestamps are below 2^53: two 32-bit halves, without a BigInt per entry.
  readKey: (source, at) => source.readInt32BE(at) * 4_294_967_296 + source.readUInt32BE(at + 4),
  readValue: (source, at) => source.readInt32BE(at + 8),
};
