/**
 * Retries with exponential backoff and jitter (Kafka's ExponentialBackoff: retry.backoff.ms
 * doubling up to retry.backoff.max.ms, ±20 % jitter), for retriable errors only, within a deadline.
 */
import { isRetriable, SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { toSamsaError } from './grpc-call.js';

export interface BackoffOptions {
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
}

/** The wait before retry number `attempt` (0 = first retry). */
export function backoffMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.retryBackoffMaxMs, options.retryBackoffMs * 2 ** Math.min(attempt, 30));
  return Math.max(0, Math.round(base * (0.8 + 0.4 * random())));
}

/** Resolves after `ms`, or rejects when `signal` aborts; the timer never outlives either. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(closedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(closedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function closedError(): SamsaError {
  return new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'the client was closed', { retriable: false });
}

export interface RetryOptions extends BackoffOptions {
  /** Absolute Date.now() deadline; the last error is thrown once the next wait would pass it. */
  deadlineMs: number;
  signal?: AbortSignal;
  /** Called before each retry (e.g. to refresh metadata). */
  onRetry?(error: SamsaError, attempt: number): void;
}

/** Runs `operation` until it succeeds, fails with a non-retriable error, or the deadline passes. */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (caught) {
      const error = toSamsaError(caught);
      const wait = backoffMs(attempt, options);
      if (!isRetriable(error) || Date.now() + wait >= options.deadlineMs || options.signal?.aborted) throw error;
      options.onRetry?.(error, attempt);
      await delay(wait, options.signal);
    }
  }
}
