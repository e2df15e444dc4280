/**
 * LeaderEpochCache (KIP-101/279, spec §6.6): epoch → start offset (the first offset written in
 * that epoch), ordered by epoch and by offset. Followers ask a leader `endOffsetFor(epoch)` to
 * find where their logs diverge and truncate there, never blindly to the high watermark.
 *
 * Persisted as `leader-epoch-checkpoint` (text: `0`, count, `<epoch> <startOffset>` lines) on
 * every change, atomically. The in-memory methods are pure; `persist` writes the file, and
 * `assignLeaderEpoch` (a new leader's epoch, recorded before its first write) writes it first.
 */
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.js';

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export const UNDEFINED_EPOCH_OFFSET: Readonly<EpochEntry> = Object.freeze({ epoch: -1, startOffset: -1 });

export class LeaderEpochCache {
  private entries: EpochEntry[];

  constructor(entries: readonly EpochEntry[] = []) {
    this.entries = [...entries];
  }

  static async load(path: string): Promise<LeaderEpochCache> {
    const lines = await readCheckpoint(path);
    const entries = (lines ?? []).map(([epoch, offset]) => ({ epoch: Number(epoch), startOffset: Number(offset) }));
    return new LeaderEpochCache(entries.filter((entry) => Number.isInteger(entry.epoch) && Number.isInteger(entry.startOffset)));
  }

  async persist(path: string): Promise<void> {
    await writeCheckpoint(path, this.entries.map((entry) => [entry.epoch, entry.startOffset]));
  }

  get all(): readonly EpochEntry[] {
    return this.entries;
  }

  /** The latest epoch, or -1 when empty. */
  get latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? -1;
  }

  /**
   * Records that `epoch` starts at `startOffset`. Returns whether the cache changed.
   * Ignored when `epoch` is the latest and starts no later; otherwise trailing entries with an
   * epoch ≥ `epoch` or a start offset ≥ `startOffset` are dropped first.
   */
  assign(epoch: number, startOffset: number): boolean {
    const latest = this.entries.at(-1);
    if (latest && latest.epoch === epoch && startOffset >= latest.startOffset) return false;
    while (this.entries.length > 0) {
      const last = this.entries.at(-1) as EpochEntry;
      if (last.epoch >= epoch || last.startOffset >= startOffset) this.entries.pop();
      else break;
    }
    this.entries.push({ epoch, startOffset });
    return true;
  }

  /**
   * A replica becomes leader for `epoch` (Kafka assigns the epoch on the leader transition, before
   * anything is written in it): records that `epoch` starts at `logEndOffset` when it is newer than
   * the latest epoch; an older, equal or negative epoch changes nothing. By the `assign` rules a
   * trailing entry starting at `logEndOffset` (an epoch this replica led without writing) gives
   * way. With `path` the checkpoint is written there (atomically, fsynced) before the entry shows:
   * a failed write leaves the cache as it was. Callers serialize it with every other change.
   * Returns whether the cache changed.
   */
  async assignLeaderEpoch(epoch: number, logEndOffset: number, path?: string): Promise<boolean> {
    if (epoch < 0 || epoch <= this.latestEpoch) return false;
    const next = new LeaderEpochCache(this.entries);
    next.assign(epoch, logEndOffset);
    if (path !== undefined) await next.persist(path);
    this.entries = next.entries;
    return true;
  }

  /**
   * (epoch, end offset) for a follower at `requestedEpoch`: the largest known epoch ≤ it, ending
   * where the next larger epoch starts, or at `logEndOffset` for the latest epoch.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEntry {
    const latest = this.entries.at(-1);
    if (requestedEpoch === -1 || !latest) return { ...UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === latest.epoch) return { epoch: requestedEpoch, startOffset: logEndOffset };
    const higherIndex = this.entries.findIndex((entry) => entry.epoch > requestedEpoch);
    if (higherIndex < 0) return { ...UNDEFINED_EPOCH_OFFSET };
    const higher = this.entries[higherIndex] as EpochEntry;
    if (higherIndex === 0) return { epoch: requestedEpoch, startOffset: higher.startOffset };
    return { epoch: (this.entries[higherIndex - 1] as EpochEntry).epoch, startOffset: higher.startOffset };
  }

  /**
   * Drops entries starting at or after `endOffset` (log truncated there). With the log end offset:
   * drops epochs assigned as leader that nothing was written in. Returns whether it changed.
   */
  truncateFromEnd(endOffset: number): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => entry.startOffset < endOffset);
    return this.entries.length !== before;
  }

  /**
   * The log now starts at `startOffset`: entries before it are dropped, except that the latest
   * epoch starting before it is kept, moved up to `startOffset`. Returns whether it changed.
   */
  truncateFromStart(startOffset: number): boolean {
    const keepFrom = this.entries.findLastIndex((entry) => entry.startOffset <= startOffset);
    if (keepFrom < 0) return false;
    const kept = this.entries[keepFrom] as EpochEntry;
    const changed = keepFrom > 0 || kept.startOffset !== startOffset;
    this.entries = [{ epoch: kept.epoch, startOffset }, ...this.entries.slice(keepFrom + 1)];
    return changed;
  }

  /** Removes everything (log truncated fully). */
  clear(): void {
    this.entries = [];
  }
}
