/**
 * PartitionStates: the consumer's assigned partitions and, for each, its position and flags
 * (Kafka's SubscriptionState). Pure: no I/O, no clock — callers pass `nowMs`.
 *
 * Invariants:
 * - A partition's `position` is the offset of the next record `poll` hands out; it is unset until
 *   a seek or a reset (ListOffsets) gives it one, and it moves only by seek, reset or poll.
 * - `version` changes (taking a value no other state ever had) whenever what is buffered or being
 *   fetched for the partition becomes invalid: seek, reset, pause, resume, and a new assignment.
 *   Fetched data carries the version it was requested under and is dropped when they differ, so a
 *   stream that was already under way can never deliver data from a stale position.
 * - `error` is a failure `poll` reports (again and again) until the application moves the
 *   position: no committed offset with autoOffsetReset=none, an out-of-range offset with
 *   autoOffsetReset=none, or a non-retriable fetch error. Such a partition is not fetched.
 * - `retryAtMs` holds a partition back after a retriable fetch error (re-route with backoff).
 *
 * Group membership (subscribe) will drive the same states through `assign`, as Kafka's
 * assignment from a rebalance and a manual assignment share one SubscriptionState.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { describePartition, partitionKey, type PartitionKey, type TopicPartition } from './types.js';

export type ResetStrategy = 'earliest' | 'latest';
export type AutoOffsetReset = ResetStrategy | 'none';

export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly key: PartitionKey;
  position: number | undefined;
  /** An explicit reset request (seekToBeginning/seekToEnd); undefined = use autoOffsetReset. */
  resetStrategy: ResetStrategy | undefined;
  paused: boolean;
  error: SamsaError | undefined;
  version: number;
  /** Consecutive retriable failures, for the backoff. */
  failures: number;
  retryAtMs: number;
}

export class PartitionStates {
  private states = new Map<PartitionKey, PartitionState>();
  private readonly failed = new Set<PartitionState>();
  private lastVersion = 0;

  /** Replaces the assignment; partitions still assigned keep their state. Returns the keys removed. */
  assign(partitions: readonly TopicPartition[]): PartitionKey[] {
    const next = new Map<PartitionKey, PartitionState>();
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      next.set(key, this.states.get(key) ?? { topic, partition, key, position: undefined, resetStrategy: undefined, paused: false, error: undefined, version: this.newVersion(), failures: 0, retryAtMs: 0 });
    }
    const removed = [...this.states.keys()].filter((key) => !next.has(key));
    for (const key of removed) this.failed.delete(this.states.get(key) as PartitionState);
    this.states = next;
    return removed;
  }

  assignment(): TopicPartition[] {
    return [...this.states.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  get size(): number {
    return this.states.size;
  }

  get(key: PartitionKey): PartitionState | undefined {
    return this.states.get(key);
  }

  /** The state of an assigned partition; throws for one that is not assigned (Kafka's IllegalStateException). */
  require(tp: TopicPartition): PartitionState {
    const state = this.states.get(partitionKey(tp.topic, tp.partition));
    if (!state) throw new SamsaError(ErrorCode.INVALID_REQUEST, `partition ${describePartition(tp)} is not assigned to this consumer`, { retriable: false });
    return state;
  }

  all(): IterableIterator<PartitionState> {
    return this.states.values();
  }

  /** Moves the position; clears any reset request, error and backoff. */
  seek(state: PartitionState, offset: number): void {
    state.position = offset;
    state.resetStrategy = undefined;
    this.invalidate(state);
  }

  /** Unsets the position so the next fetch resolves it with `strategy` (undefined = autoOffsetReset). */
  requestReset(state: PartitionState, strategy: ResetStrategy | undefined): void {
    state.position = undefined;
    state.resetStrategy = strategy;
    this.invalidate(state);
  }

  /** Applies a ListOffsets answer asked under `version`; false when the state moved on meanwhile. */
  completeReset(state: PartitionState, version: number, offset: number): boolean {
    if (this.states.get(state.key) !== state || state.version !== version || state.position !== undefined || state.error) return false;
    state.position = offset;
    state.resetStrategy = undefined;
    state.failures = 0;
    return true;
  }

  /** False when the partition was already paused. */
  pause(state: PartitionState): boolean {
    if (state.paused) return false;
    state.paused = true;
    state.version = this.newVersion();
    return true;
  }

  /** False when the partition was not paused. */
  resume(state: PartitionState): boolean {
    if (!state.paused) return false;
    state.paused = false;
    state.version = this.newVersion();
    return true;
  }

  /** Records a failure `poll` reports until the position moves. */
  fail(state: PartitionState, error: SamsaError): void {
    state.error = error;
    state.version = this.newVersion();
    this.failed.add(state);
  }

  /** A failure `poll` must report, if any partition has one. */
  firstError(): SamsaError | undefined {
    for (const state of this.failed) return state.error;
    return undefined;
  }

  /** Holds the partition back until `retryAtMs` after a retriable error. */
  backOff(state: PartitionState, retryAtMs: number): void {
    state.failures++;
    state.retryAtMs = retryAtMs;
  }

  succeeded(state: PartitionState): void {
    state.failures = 0;
    state.retryAtMs = 0;
  }

  isFetchable(state: PartitionState, nowMs: number): boolean {
    return state.position !== undefined && !state.paused && state.error === undefined && state.retryAtMs <= nowMs;
  }

  /** Partitions waiting for a reset (ListOffsets) that may run now. */
  needingReset(nowMs: number): PartitionState[] {
    return [...this.states.values()].filter((state) => state.position === undefined && state.error === undefined && state.retryAtMs <= nowMs);
  }

  /** The earliest backoff deadline after `nowMs`, if any partition is held back. */
  nextRetryAtMs(nowMs: number): number | undefined {
    let next: number | undefined;
    for (const state of this.states.values()) if (state.retryAtMs > nowMs && state.error === undefined) next = Math.min(next ?? Infinity, state.retryAtMs);
    return next;
  }

  private invalidate(state: PartitionState): void {
    this.failed.delete(state);
    state.error = undefined;
    state.failures = 0;
    state.retryAtMs = 0;
    state.version = this.newVersion();
  }

  private newVersion(): number {
    return ++this.lastVersion;
  }
}
