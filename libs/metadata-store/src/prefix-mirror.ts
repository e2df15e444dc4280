/**
 * PrefixMirror: a live local copy of every key under a prefix, built from a range read and kept
 * current by a watch from that read's revision + 1 — the pattern for following store state
 * without missing a change. Elections use it to follow their candidates.
 *
 * Invariants: `entries` always equals the store's keys under the prefix at `revision`; the
 * change callback runs after each applied batch. If the watch reports COMPACTED (it fell behind),
 * the mirror re-reads and re-watches, then reports a change; any other watch error ends the
 * mirror and is passed to `onEnd`.
 *
 * Concurrency: callbacks run one at a time, in revision order; `close()` stops them.
 */
import type { KeyValue, MetadataStore, Watch, WatchEvent } from './metadata-store.js';
import { isMetadataStoreError, MetadataStoreErrorCode, type MetadataStoreError } from './metadata-store-error.js';

export type MirrorStore = Pick<MetadataStore, 'range' | 'watch'>;

export interface PrefixMirrorHandlers {
  /** Runs after the initial load and after every change. */
  onChange(mirror: PrefixMirror): void;
  /** Runs once if the mirror ends by itself (for example the store closed). */
  onEnd(error: MetadataStoreError): void;
}

export class PrefixMirror {
  readonly entries = new Map<string, KeyValue>();
  private currentRevision = 0;
  private watch: Watch | undefined;
  private closed = false;

  private constructor(
    private readonly store: MirrorStore,
    readonly prefix: string,
    private readonly handlers: PrefixMirrorHandlers,
  ) {}

  /** Loads the prefix, starts following it and reports the initial state through `onChange`. */
  static async open(store: MirrorStore, prefix: string, handlers: PrefixMirrorHandlers): Promise<PrefixMirror> {
    const mirror = new PrefixMirror(store, prefix, handlers);
    await mirror.load();
    return mirror;
  }

  get revision(): number {
    return this.currentRevision;
  }

  async close(): Promise<void> {
    this.closed = true;
    const watch = this.watch;
    this.watch = undefined;
    await watch?.cancel();
  }

  private async load(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.loadOnce();
        return;
      } catch (error) {
        // The history after our read was compacted before the watch started: read again.
        if (!isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED) || attempt >= 5) throw error;
      }
    }
  }

  private async loadOnce(): Promise<void> {
    const { kvs, revision } = await this.store.range(this.prefix);
    if (this.closed) return;
    // Events may arrive before `watch()` resolves; the callbacks read `watch` when they run.
    let watch: Watch | undefined = undefined;
    const pending: WatchEvent[][] = [];
    let earlyError: MetadataStoreError | undefined;
    watch = await this.store.watch(this.prefix, {
      fromRevision: revision + 1,
      onEvents: (events) => (watch === undefined ? pending.push([...events]) : this.apply(watch, events)),
      onError: (error) => (watch === undefined ? (earlyError = error) : this.failed(watch, error)),
    });
    if (this.closed) {
      await watch.cancel();
      return;
    }
    this.entries.clear();
    for (const kv of kvs) this.entries.set(kv.key, kv);
    this.currentRevision = revision;
    this.watch = watch;
    for (const events of pending) this.applyEvents(events);
    if (earlyError) this.failed(watch, earlyError);
    else this.handlers.onChange(this);
  }

  private apply(watch: Watch, events: readonly WatchEvent[]): void {
    if (this.closed || this.watch !== watch) return;
    this.applyEvents(events);
    this.handlers.onChange(this);
  }

  private applyEvents(events: readonly WatchEvent[]): void {
    for (const event of events) {
      if (event.kv) this.entries.set(event.key, event.kv);
      else this.entries.delete(event.key);
      this.currentRevision = Math.max(this.currentRevision, event.revision);
    }
  }

  private failed(watch: Watch, error: MetadataStoreError): void {
    if (this.closed || this.watch !== watch) return;
    this.watch = undefined;
    if (!isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED)) {
      this.closed = true;
      this.handlers.onEnd(error);
      return;
    }
    this.load().catch((reloadError: unknown) => {
      if (this.closed) return;
      this.closed = true;
      this.handlers.onEnd(isMetadataStoreError(reloadError) ? reloadError : (error as MetadataStoreError));
    });
  }
}
