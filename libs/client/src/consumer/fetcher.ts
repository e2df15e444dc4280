/**
 * Fetcher: keeps one FetchStream open per leader node for every fetchable partition (assigned,
 * positioned, not paused, not failed, not backing off) and fills the FetchBuffer ahead of `poll`.
 *
 * How it works:
 * - `schedule()` marks the fetch set as possibly changed; a single reconcile loop (never two at
 *   once, coalescing bursts of calls) then refreshes metadata if needed, groups the fetchable
 *   partitions by leader and keeps, replaces or cancels each node's stream. A partition resumes
 *   at the end of what is already buffered for it, or at its position — never twice, never a gap.
 * - Positions that are unset are resolved by the PositionResetter, started by the loop but not
 *   awaited by it (one lookup per partition at a time), so a slow node never delays re-planning.
 * - Streams run on the consumer's own connections (FetchChannels), so a paused stream holds back
 *   nothing but itself.
 * - Back-pressure: a stream is paused while the buffer holds fetchMaxBytes in all or
 *   PARTITION_BUFFER_PUSHES × maxPartitionFetchBytes for one of its partitions, and resumed by
 *   `afterDrain()` once poll took enough.
 * - Errors (Kafka's Fetcher): NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH apply the leader hint
 *   (or refresh metadata) and re-route; other retriable errors refresh metadata and retry the
 *   partition after a backoff (retryBackoffMs doubling to retryBackoffMaxMs); OFFSET_OUT_OF_RANGE
 *   and non-retriable errors are queued behind the partition's buffered records for `poll`. A
 *   failed stream backs its node off and refreshes metadata.
 *
 * Concurrency: every callback runs on the event loop; state is only touched synchronously, and
 * the reconcile loop re-reads it after each await. After `close()` nothing runs again.
 */
import { isRetriableCode, SamsaError, type Logger } from '@samsa/common';
import { ErrorCode, type storage } from '@samsa/proto';
import type { Connection } from '../connection/connection.js';
import { backoffMs } from '../connection/retry.js';
import { CompletedFetch } from './completed-fetch.js';
import { FetchBuffer } from './fetch-buffer.js';
import { FetchChannels } from './fetch-channels.js';
import { NodeFetchStream, type ActiveStreamPartition, type StreamLimits, type StreamPartition } from './node-fetch-stream.js';
import type { AutoOffsetReset, PartitionState, PartitionStates } from './partition-states.js';
import { PositionResetter } from './position-resetter.js';
import { describePartition } from './types.js';

/** Pushes of one partition the buffer may hold before its stream is paused. */
export const PARTITION_BUFFER_PUSHES = 3;

export interface FetcherSettings extends StreamLimits {
  clientId: string;
  maxReceiveMessageBytes: number;
  autoOffsetReset: AutoOffsetReset;
  checkCrcs: boolean;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
}

export class Fetcher {
  readonly buffer = new FetchBuffer();
  private readonly streams = new Map<number, NodeFetchStream>();
  private readonly nodeBackoff = new Map<number, { failures: number; retryAtMs: number }>();
  private readonly resetter: PositionResetter;
  private readonly channels: FetchChannels;
  /** Partitions with a ListOffsets under way from the loop. */
  private readonly resetting = new Set<PartitionState>();
  private dirty = false;
  private running = false;
  private closed = false;
  private loopFailures = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAtMs = Infinity;

  constructor(
    private readonly connection: Connection,
    private readonly states: PartitionStates,
    private readonly settings: FetcherSettings,
    private readonly logger: Logger,
    /** Something `poll` or `position` may be waiting for happened. */
    private readonly onChange: () => void,
  ) {
    this.channels = new FetchChannels(settings);
    this.resetter = new PositionResetter(connection, states, settings, {
      onPartitionError: (state, error, hint) => this.onPartitionError(state, error, hint, false),
      onNodeError: (nodeId, failed, error) => {
        this.connection.invalidate();
        this.logger.debug({ nodeId, error: error.message }, 'ListOffsets failed');
        for (const state of failed) this.states.backOff(state, Date.now() + this.backoff(state.failures));
        this.armTimer(Date.now() + this.backoff(0));
      },
      onChange: () => {
        this.onChange();
        this.schedule();
      },
    }, logger);
  }

  /** Reconciles the streams soon; calls in one tick coalesce. */
  schedule(): void {
    if (this.closed) return;
    this.dirty = true;
    if (!this.running) queueMicrotask(() => void this.run());
  }

  /** One ListOffsets attempt for partitions without a position (position() uses it). */
  async resetPositions(states: readonly PartitionState[]): Promise<void> {
    await this.connection.metadata();
    await this.resetter.reset(states);
  }

  /** Resumes paused streams once poll has drained the buffer below its bounds. */
  afterDrain(): void {
    for (const stream of this.streams.values()) {
      if (!stream.isPaused || this.overBound(stream)) continue;
      stream.resume();
      this.logger.debug({ nodeId: stream.nodeId, bufferedBytes: this.buffer.totalBytes }, 'fetch stream resumed');
    }
  }

  /** What poll does when it reaches an error queued for a partition. */
  handleBufferedError(state: PartitionState, error: SamsaError): void {
    if (error.code === ErrorCode.OFFSET_OUT_OF_RANGE && this.settings.autoOffsetReset !== 'none') {
      this.logger.info({ topic: state.topic, partition: state.partition, position: state.position, reason: error.message }, `position out of range, resetting to ${this.settings.autoOffsetReset}`);
      this.states.requestReset(state, this.settings.autoOffsetReset);
      this.schedule();
      return;
    }
    this.states.fail(state, error);
    throw error;
  }

  /** Cancels every stream and timer. Idempotent. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const stream of this.streams.values()) stream.cancel();
    this.streams.clear();
    this.channels.close();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        try {
          await this.reconcile();
          this.loopFailures = 0;
        } catch (error) {
          if (this.closed) break;
          this.logger.warn({ error: (error as Error).message }, 'fetch reconcile failed; retrying');
          this.armTimer(Date.now() + this.backoff(this.loopFailures++));
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async reconcile(): Promise<void> {
    if (this.states.size > 0) await this.connection.metadata();
    if (this.closed) return;
    const now = Date.now();
    const desired = new Map<number, StreamPartition[]>();
    for (const state of this.states.all()) {
      if (!this.states.isFetchable(state, now) || this.buffer.isBlocked(state.key)) continue;
      const info = this.connection.partition(state.topic, state.partition);
      if (!info || info.leaderId < 0 || !this.connection.node(info.leaderId)) {
        this.onPartitionError(state, new SamsaError(ErrorCode.LEADER_NOT_AVAILABLE, `${describePartition(state)} has no known leader`), undefined, false);
        continue;
      }
      if ((this.nodeBackoff.get(info.leaderId)?.retryAtMs ?? 0) > now) continue;
      const fetchOffset = this.buffer.endOffset(state.key) ?? (state.position as number);
      let list = desired.get(info.leaderId);
      if (!list) desired.set(info.leaderId, (list = []));
      list.push({ key: state.key, topic: state.topic, partition: state.partition, fetchOffset, leaderEpoch: info.leaderEpoch, version: state.version });
    }
    for (const [nodeId, stream] of this.streams) {
      if (desired.has(nodeId)) continue;
      stream.cancel();
      this.streams.delete(nodeId);
    }
    for (const [nodeId, partitions] of desired) {
      const current = this.streams.get(nodeId);
      if (current?.serves(partitions)) continue;
      current?.cancel();
      this.open(nodeId, partitions);
    }
    this.startResets(this.states.needingReset(now).filter((state) => !this.resetting.has(state)));
    const nodeRetry = Math.min(...[...this.nodeBackoff.values()].map((node) => node.retryAtMs).filter((at) => at > now));
    this.armTimer(Math.min(this.states.nextRetryAtMs(now) ?? Infinity, nodeRetry));
  }

  private startResets(states: PartitionState[]): void {
    if (states.length === 0) return;
    for (const state of states) this.resetting.add(state);
    void this.resetter
      .reset(states)
      .catch((error: unknown) => this.logger.warn({ error: (error as Error).message }, 'position reset failed'))
      .finally(() => {
        for (const state of states) this.resetting.delete(state);
        this.schedule();
      });
  }

  private open(nodeId: number, partitions: StreamPartition[]): void {
    const node = this.connection.node(nodeId);
    if (!node) throw new SamsaError(ErrorCode.LEADER_NOT_AVAILABLE, `storage node ${nodeId} is not in the cluster metadata`);
    const stream = new NodeFetchStream(nodeId, partitions, {
      onRecords: (s, entry, data) => this.onRecords(s, entry, data),
      onPartitionError: (s, entry, data) => this.onStreamPartitionError(s, entry, data),
      afterPush: (s) => this.applyBackPressure(s),
      onEnd: (s, error) => this.onStreamEnd(s, error),
    });
    this.streams.set(nodeId, stream);
    this.logger.debug({ nodeId, partitions: partitions.map((p) => `${describePartition(p)}@${p.fetchOffset}`) }, 'opening fetch stream');
    stream.start(this.channels.client(node.address), this.settings);
    this.applyBackPressure(stream);
  }

  private applyBackPressure(stream: NodeFetchStream): void {
    if (stream.isPaused || !this.overBound(stream)) return;
    stream.pause();
    this.logger.debug({ nodeId: stream.nodeId, bufferedBytes: this.buffer.totalBytes }, 'fetch stream paused');
  }

  private onRecords(stream: NodeFetchStream, entry: ActiveStreamPartition, data: storage.FetchPartitionData): void {
    const state = this.states.get(entry.key);
    if (!state || state.version !== entry.version || state.paused || state.error) return;
    const fetch = new CompletedFetch({
      topic: entry.topic,
      partition: entry.partition,
      records: data.records,
      fetchOffset: entry.nextOffset,
      abortedTransactions: data.abortedTransactions,
      readCommitted: this.settings.readCommitted,
      checkCrcs: this.settings.checkCrcs,
    });
    entry.nextOffset = fetch.endOffset;
    this.buffer.addRecords(entry.key, fetch);
    this.states.succeeded(state);
    this.nodeBackoff.delete(stream.nodeId);
    this.onChange();
  }

  private onStreamPartitionError(stream: NodeFetchStream, entry: ActiveStreamPartition, data: storage.FetchPartitionData): void {
    const state = this.states.get(entry.key);
    if (!state || state.version !== entry.version) return this.schedule();
    const code = data.divergingEpoch && data.errorCode === ErrorCode.NONE ? ErrorCode.UNKNOWN_SERVER_ERROR : data.errorCode;
    let message = `fetching ${describePartition(entry)} at offset ${entry.nextOffset} from node ${stream.nodeId}: ${data.errorMessage || ErrorCode[code]}`;
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE) message += ` (log start offset ${data.logStartOffset}, log end offset ${data.logEndOffset})`;
    this.onPartitionError(state, new SamsaError(code, message), data.currentLeader, true);
  }

  /** Routes a partition-level error: re-route with backoff, or queue/record a failure for poll. */
  private onPartitionError(state: PartitionState, error: SamsaError, hint: storage.LeaderHint | undefined, fromFetch: boolean): void {
    const now = Date.now();
    const code = error.code;
    if (fromFetch && code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      this.buffer.addError(state.key, error);
      this.onChange();
    } else if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.FENCED_LEADER_EPOCH) {
      const rerouted = this.connection.applyLeaderHint(state.topic, state.partition, hint);
      if (!rerouted) this.connection.invalidate();
      this.logger.debug({ topic: state.topic, partition: state.partition, code: ErrorCode[code], leader: hint?.leaderId }, 'partition moved; re-routing');
      this.states.backOff(state, rerouted && state.failures === 0 ? now : now + this.backoff(state.failures));
    } else if (isRetriableCode(code) || code === ErrorCode.UNKNOWN_SERVER_ERROR) {
      this.connection.invalidate();
      this.logger.debug({ topic: state.topic, partition: state.partition, error: error.message }, 'retriable partition error; backing off');
      this.states.backOff(state, now + this.backoff(state.failures));
    } else if (fromFetch) {
      this.buffer.addError(state.key, error);
      this.onChange();
    } else {
      this.states.fail(state, error);
      this.onChange();
    }
    this.schedule();
  }

  private onStreamEnd(stream: NodeFetchStream, error: SamsaError | undefined): void {
    if (this.streams.get(stream.nodeId) === stream) this.streams.delete(stream.nodeId);
    if (error) {
      const failures = (this.nodeBackoff.get(stream.nodeId)?.failures ?? 0) + 1;
      const retryAtMs = Date.now() + this.backoff(failures - 1);
      this.nodeBackoff.set(stream.nodeId, { failures, retryAtMs });
      this.connection.invalidate();
      this.logger.warn({ nodeId: stream.nodeId, error: error.message, retryInMs: retryAtMs - Date.now() }, 'fetch stream failed; re-routing after backoff');
      this.armTimer(retryAtMs);
    }
    this.schedule();
  }

  private overBound(stream: NodeFetchStream): boolean {
    if (this.buffer.totalBytes >= this.settings.maxBytes) return true;
    const perPartition = PARTITION_BUFFER_PUSHES * this.settings.partitionMaxBytes;
    for (const key of stream.entries.keys()) if (this.buffer.bytesOf(key) >= perPartition) return true;
    return false;
  }

  private backoff(failures: number): number {
    return backoffMs(failures, this.settings);
  }

  /** Reconciles at `atMs` (the earliest of all pending backoffs). */
  private armTimer(atMs: number): void {
    if (this.closed || !Number.isFinite(atMs) || atMs >= this.timerAtMs) return;
    clearTimeout(this.timer);
    this.timerAtMs = atMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAtMs = Infinity;
      this.schedule();
    }, Math.max(0, atMs - Date.now()));
  }
}
