/**
 * collectRecords: the synchronous heart of `poll` — takes up to `maxRecords` from the FetchBuffer,
 * partition by partition in round-robin order, each partition's records in offset order, and
 * moves each position past exactly what was handed out (Kafka's FetchCollector). Pure: the
 * caller supplies deserialization and what to do with errors.
 *
 * Rules:
 * - A buffered push is used only when it starts at the partition's position; otherwise it is
 *   stale and `onStale` re-fetches from the position (never a gap, never a repeat).
 * - An error entry is handled only when nothing was collected yet in this call; otherwise the
 *   records come back first and the error waits for the next call.
 * - A conversion or decoding failure likewise stops the collection: the records before it come
 *   back, and the position stays on the failing record, so the next call throws it.
 */
import type { SamsaError } from '@samsa/common';
import type { FetchedRecord } from './completed-fetch.js';
import type { FetchBuffer } from './fetch-buffer.js';
import type { PartitionState, PartitionStates } from './partition-states.js';

export interface CollectContext<T> {
  states: PartitionStates;
  buffer: FetchBuffer;
  convert(state: PartitionState, record: FetchedRecord): T;
  /** An error entry reached the position: recover (e.g. reset), or throw it to the application. */
  onError(state: PartitionState, error: SamsaError): void;
  /** A push that does not start at the position: drop the partition's data and fetch again. */
  onStale(state: PartitionState): void;
}

export function collectRecords<T>(context: CollectContext<T>, maxRecords: number): T[] {
  const { buffer, states } = context;
  const out: T[] = [];
  for (const key of buffer.keys()) {
    if (out.length >= maxRecords) break;
    const state = states.get(key);
    if (!state || state.paused || state.position === undefined || state.error) {
      buffer.drop(key);
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = collectPartition(context, state, out, maxRecords);
    } catch (error) {
      if (out.length > 0) return out;
      throw error;
    }
    if (outcome === 'served' || outcome === 'stopped') buffer.moveToBack(key);
    if (outcome === 'stopped' || outcome === 'waiting') break;
  }
  return out;
}

/**
 * served: records handed out or the position moved. stopped: records handed out, then a failure
 * at the position ended the collection (as Kafka's collector stops). waiting: an error entry is
 * next, for the next call; the partition keeps its place so it comes first eventually.
 */
type Outcome = 'idle' | 'served' | 'stopped' | 'waiting';

/** Takes from one partition into `out`. */
function collectPartition<T>(context: CollectContext<T>, state: PartitionState, out: T[], maxRecords: number): Outcome {
  const { buffer } = context;
  const start = state.position;
  while (out.length < maxRecords) {
    const entry = buffer.head(state.key);
    if (!entry) break;
    if (entry.kind === 'error') {
      if (out.length > 0) return 'waiting';
      buffer.shift(state.key);
      context.onError(state, entry.error);
      return 'served';
    }
    const fetch = entry.fetch;
    if (fetch.nextOffset !== state.position) {
      context.onStale(state);
      return 'idle';
    }
    try {
      fetch.take(maxRecords - out.length, (record) => context.convert(state, record), out);
    } finally {
      state.position = fetch.nextOffset;
    }
    if (!fetch.isExhausted) return out.length < maxRecords ? 'stopped' : 'served';
    buffer.shift(state.key);
  }
  return state.position !== start ? 'served' : 'idle';
}
