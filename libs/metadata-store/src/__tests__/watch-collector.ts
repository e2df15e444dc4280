/**
 * Test helpers: collect a watch's events and await conditions on them — tests wait on the events
 * themselves, with a deadline, never on a sleep.
 */
import type { MetadataStore, Watch, WatchEvent } from '../metadata-store.js';
import type { MetadataStoreError } from '../metadata-store-error.js';

export interface WatchCollector {
  readonly events: WatchEvent[];
  /** Each onEvents call's events, to check batching. */
  readonly batches: WatchEvent[][];
  readonly errors: MetadataStoreError[];
  readonly watch: Watch;
  /** Resolves once `predicate` holds (checked now and after every batch or error). */
  until(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Resolves once at least `count` events have arrived. */
  untilCount(count: number, timeoutMs?: number): Promise<WatchEvent[]>;
}

export async function collectWatch(store: MetadataStore, prefix: string, fromRevision?: number): Promise<WatchCollector> {
  const events: WatchEvent[] = [];
  const batches: WatchEvent[][] = [];
  const errors: MetadataStoreError[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const watch = await store.watch(prefix, {
    ...(fromRevision === undefined ? {} : { fromRevision }),
    onEvents: (batch) => {
      batches.push([...batch]);
      events.push(...batch);
      notify();
    },
    onError: (error) => {
      errors.push(error);
      notify();
    },
  });
  const until = (predicate: () => boolean, what: string, timeoutMs = 10_000) => waitUntil(predicate, what, timeoutMs, waiters);
  return {
    events,
    batches,
    errors,
    watch,
    until,
    untilCount: async (count, timeoutMs) => {
      await until(() => events.length >= count, `${count} watch events (have ${events.length})`, timeoutMs);
      return events.slice(0, count);
    },
  };
}

function waitUntil(predicate: () => boolean, what: string, timeoutMs: number, waiters: Set<() => void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!predicate()) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    waiters.add(check);
    check();
  });
}

/** Rejects if `promise` has not settled within `timeoutMs` (a bound, not a sleep). */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True if `promise` is still pending after the microtask queue and pending I/O callbacks have drained once. */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
}

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
