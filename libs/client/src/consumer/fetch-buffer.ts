/**
 * FetchBuffer: what the fetch streams delivered and `poll` has not yet handed out, per partition,
 * in arrival order (Kafka's FetchBuffer). Pure: no I/O.
 *
 * Invariants:
 * - A partition's entries are contiguous: each records entry starts where the previous one ends
 *   (`endOffset`), so `endOffset(key)` is where fetching continues without a gap or a repeat.
 * - An error entry is terminal: nothing follows it, and a partition whose last entry is an error
 *   is not fetched (`isBlocked`) until `poll` reaches the error and handles it, after the records
 *   before it were handed out — Kafka reports an out-of-range fetch only once the position
 *   reaches it.
 * - Byte counts cover whole pushes until they are fully consumed; they drive back-pressure.
 * - `keys()` lists partitions in round-robin order: `moveToBack` after a partition was served.
 */
import type { SamsaError } from '@samsa/common';
import type { CompletedFetch } from './completed-fetch.js';
import type { PartitionKey } from './types.js';

export type BufferedEntry = { kind: 'records'; fetch: CompletedFetch } | { kind: 'error'; error: SamsaError };

export class FetchBuffer {
  /** Insertion order of this map is the round-robin order. */
  private readonly queues = new Map<PartitionKey, BufferedEntry[]>();
  private readonly bytes = new Map<PartitionKey, number>();
  private total = 0;

  get totalBytes(): number {
    return this.total;
  }

  bytesOf(key: PartitionKey): number {
    return this.bytes.get(key) ?? 0;
  }

  addRecords(key: PartitionKey, fetch: CompletedFetch): void {
    this.queue(key).push({ kind: 'records', fetch });
    this.bytes.set(key, this.bytesOf(key) + fetch.sizeInBytes);
    this.total += fetch.sizeInBytes;
  }

  addError(key: PartitionKey, error: SamsaError): void {
    this.queue(key).push({ kind: 'error', error });
  }

  head(key: PartitionKey): BufferedEntry | undefined {
    return this.queues.get(key)?.[0];
  }

  /** Removes the head entry (fully consumed or handled). */
  shift(key: PartitionKey): void {
    const queue = this.queues.get(key);
    const entry = queue?.shift();
    if (entry?.kind === 'records') this.release(key, entry.fetch.sizeInBytes);
    if (queue && queue.length === 0) this.forget(key);
  }

  /** Drops everything buffered for the partition (seek, pause, unassign). */
  drop(key: PartitionKey): void {
    for (const entry of this.queues.get(key) ?? []) if (entry.kind === 'records') this.release(key, entry.fetch.sizeInBytes);
    this.forget(key);
  }

  /** Where fetching continues: one past the last buffered push; undefined when nothing (or an error) is last. */
  endOffset(key: PartitionKey): number | undefined {
    const last = this.queues.get(key)?.at(-1);
    return last?.kind === 'records' ? last.fetch.endOffset : undefined;
  }

  /** True when the partition's last entry is an error waiting for `poll`. */
  isBlocked(key: PartitionKey): boolean {
    return this.queues.get(key)?.at(-1)?.kind === 'error';
  }

  hasData(key: PartitionKey): boolean {
    return (this.queues.get(key)?.length ?? 0) > 0;
  }

  /** Partitions with entries, in round-robin order (a snapshot). */
  keys(): PartitionKey[] {
    return [...this.queues.keys()];
  }

  /** After a partition was served, others go first next time. */
  moveToBack(key: PartitionKey): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    this.queues.delete(key);
    this.queues.set(key, queue);
  }

  private queue(key: PartitionKey): BufferedEntry[] {
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = []));
    return queue;
  }

  private release(key: PartitionKey, size: number): void {
    this.total -= size;
    this.bytes.set(key, this.bytesOf(key) - size);
  }

  private forget(key: PartitionKey): void {
    this.queues.delete(key);
    this.bytes.delete(key);
  }
}
