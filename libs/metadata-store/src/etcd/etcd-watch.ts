/**
 * EtcdWatch: one prefix watch on its own etcd Watch stream, resumed across disconnections.
 *
 * We drive the raw stream instead of the etcd3 client's Watcher because we need what it hides:
 * the compaction revision of a cancelled watch, and resuming from the last revision actually
 * *delivered* (the client's Watcher resumes from the revision in the `created` header, skipping a
 * backlog still being replayed).
 *
 * Invariants:
 * - `nextRevision` is the first revision not yet delivered: the last delivered event's revision
 *   + 1, or a progress notification's header revision + 1 (etcd sends those only to watchers
 *   that have caught up). A reconnect asks for exactly `nextRevision`, so nothing is skipped or
 *   repeated across a lost stream (a killed etcd member, a leader change).
 * - A start revision that is already compacted is refused up front (`start` rejects with
 *   COMPACTED, found by reading at that revision); if compaction overtakes a watch later, etcd
 *   cancels it with the compaction revision and the watch ends with onError(COMPACTED).
 * - Unreachable etcd is not an error for a running watch: it retries with capped backoff on the
 *   injected clock until it reconnects or is cancelled.
 *
 * Concurrency: callbacks run from the stream's event handlers, one response at a time, in order.
 */
import type { Clock, Logger, TimerHandle } from '@samsa/common';
import type { Etcd3, IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import type { Watch, WatchEvent, WatchOptions } from '../metadata-store.js';
import { compactedError, isMetadataStoreError, MetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import { etcdCall, mapEtcdError, toNumber, type KeyCodec } from './etcd-codec.js';

export interface EtcdWatchContext {
  readonly client: Etcd3;
  readonly keys: KeyCodec;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called once when the watch has ended (cancelled or failed). */
  readonly onFinished: (watch: EtcdWatch) => void;
}

const FIRST_CONNECT_ATTEMPTS = 3;
const INITIAL_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2_000;

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

export class EtcdWatch implements Watch {
  private stream: WatchStream | undefined;
  private nextRevision: number | undefined;
  private firstRevision: number | undefined;
  private ended = false;
  private backoffMs = INITIAL_BACKOFF_MS;
  private retryTimer: TimerHandle | undefined;

  private constructor(
    private readonly context: EtcdWatchContext,
    private readonly prefix: string,
    private readonly options: WatchOptions,
  ) {
    this.nextRevision = options.fromRevision;
    this.firstRevision = options.fromRevision;
  }

  static async start(context: EtcdWatchContext, prefix: string, options: WatchOptions): Promise<EtcdWatch> {
    if (options.fromRevision !== undefined) await refuseCompactedStart(context, prefix, options.fromRevision);
    const watch = new EtcdWatch(context, prefix, options);
    for (let attempt = 1; ; attempt++) {
      try {
        await watch.connect();
        return watch;
      } catch (error) {
        if (attempt >= FIRST_CONNECT_ATTEMPTS || !isMetadataStoreError(error, MetadataStoreErrorCode.UNAVAILABLE)) {
          watch.finish();
          throw error;
        }
      }
    }
  }

  get fromRevision(): number {
    return this.firstRevision ?? 0;
  }

  async cancel(): Promise<void> {
    this.finish();
  }

  /** Ends the watch with `error` (store closed, compaction, etcd cancelled it). */
  fail(error: MetadataStoreError): void {
    if (this.ended) return;
    this.finish();
    try {
      this.options.onError?.(error);
    } catch (listenerError) {
      this.context.logger.error({ err: listenerError, prefix: this.prefix }, 'etcd watch error listener threw');
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.retryTimer?.cancel();
    this.dropStream();
    this.context.onFinished(this);
  }

  /** Opens a stream and resolves once etcd has created the watch on it. */
  private async connect(): Promise<void> {
    const stream = await etcdCall(() => this.context.client.watchClient.watch());
    if (this.ended) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    await new Promise<void>((resolve, reject) => {
      let created = false;
      stream.on('data', (response) => {
        if (this.stream !== stream) return;
        if (response.created && !created) {
          created = true;
          this.nextRevision ??= toNumber(response.header.revision) + 1;
          this.firstRevision ??= this.nextRevision;
          this.backoffMs = INITIAL_BACKOFF_MS;
          resolve();
        }
        if (response.canceled) this.cancelledByEtcd(response);
        else this.deliver(response);
      });
      const lost = (error: Error) => {
        if (this.stream !== stream) return;
        this.dropStream();
        if (!created) reject(mapEtcdError(error));
        else this.reconnectLater(error);
      };
      stream.on('error', lost);
      stream.on('end', () => lost(new Error('etcd watch stream ended')));
      const range = this.context.keys.prefixRange(this.prefix);
      const start = this.nextRevision === undefined ? {} : { start_revision: this.nextRevision };
      stream.write({ create_request: { ...range, ...start, progress_notify: true } });
    });
  }

  private deliver(response: IWatchResponse): void {
    if (response.events.length === 0) {
      // A progress notification: everything up to the header revision has been delivered.
      if (!response.created) this.nextRevision = Math.max(this.nextRevision ?? 0, toNumber(response.header.revision) + 1);
      return;
    }
    const events: WatchEvent[] = response.events.map((event) => ({
      type: event.type === 'Put' ? 'put' : 'delete',
      key: this.context.keys.decode(event.kv.key),
      revision: toNumber(event.kv.mod_revision),
      kv: event.type === 'Put' ? this.context.keys.keyValue(event.kv) : undefined,
    }));
    this.nextRevision = (events.at(-1)?.revision ?? this.nextRevision ?? 0) + 1;
    try {
      this.options.onEvents(events);
    } catch (error) {
      this.context.logger.error({ err: error, prefix: this.prefix }, 'etcd watch listener threw');
    }
  }

  private cancelledByEtcd(response: IWatchResponse): void {
    const compactRevision = toNumber(response.compact_revision);
    if (compactRevision > 0) {
      this.fail(compactedError(this.nextRevision ?? this.fromRevision, compactRevision));
      return;
    }
    this.fail(new MetadataStoreError(MetadataStoreErrorCode.UNAVAILABLE, `etcd cancelled the watch on '${this.prefix}': ${response.cancel_reason || 'no reason given'}`));
  }

  private reconnectLater(cause: Error): void {
    if (this.ended) return;
    this.context.logger.debug({ err: cause, prefix: this.prefix, nextRevision: this.nextRevision, backoffMs: this.backoffMs }, 'etcd watch stream lost; resuming');
    this.retryTimer = this.context.clock.setTimer(this.backoffMs, () => {
      this.retryTimer = undefined;
      if (this.ended) return;
      this.connect().catch((error: Error) => this.reconnectLater(error));
    });
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
  }

  private dropStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
  }
}

/** Rejects with COMPACTED if `fromRevision` can no longer be read (a future revision is fine). */
async function refuseCompactedStart(context: EtcdWatchContext, prefix: string, fromRevision: number): Promise<void> {
  try {
    await etcdCall(() => context.client.kv.range({ ...context.keys.prefixRange(prefix), revision: fromRevision, limit: 1, keys_only: true }));
  } catch (error) {
    if (isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED)) throw compactedError(fromRevision, undefined);
    if (isMetadataStoreError(error, MetadataStoreErrorCode.INVALID_ARGUMENT)) return;
    throw error;
  }
}
