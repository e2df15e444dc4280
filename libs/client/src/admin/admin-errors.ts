/**
 * Errors of the Admin client. Batch operations (createTopics, listOffsets, ...) settle every item
 * on its own, as the cluster answers them; when any item fails, the call rejects with one
 * AdminBatchError carrying the first failure's code, a message listing every failed item, and
 * the settled outcome of every item (successes included) in request order, so a caller can see
 * exactly what changed.
 */
import { errorCodeName, isSamsaError, SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';

/** The outcome of one item of a batch operation; `K` names the item (topic, partition, resource). */
export type ItemSettled<K, T> = K & ({ readonly status: 'fulfilled'; readonly value: T } | { readonly status: 'rejected'; readonly reason: SamsaError });

/** One item's outcome before it is labelled, as the modules produce them. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SamsaError };

const BATCH_BRAND = Symbol.for('samsa.AdminBatchError');

/** A batch operation in which at least one item failed; `results` holds every item's outcome. */
export class AdminBatchError<K = unknown, T = unknown> extends SamsaError {
  readonly results: ReadonlyArray<ItemSettled<K, T>>;

  constructor(code: ErrorCode, message: string, results: ReadonlyArray<ItemSettled<K, T>>) {
    super(code, message);
    this.name = 'AdminBatchError';
    this.results = results;
    Object.defineProperty(this, BATCH_BRAND, { value: true });
  }
}

/** True for an AdminBatchError, including one from another copy of this package. */
export function isAdminBatchError(value: unknown): value is AdminBatchError {
  return isSamsaError(value) && (value as unknown as Record<symbol, unknown>)[BATCH_BRAND] === true;
}

/** The error every call on a closed Admin fails with (`cause`: what the call was doing when it closed). */
export function adminClosedError(cause?: unknown): SamsaError {
  return new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'the admin client was closed', { retriable: false, cause });
}

/** A per-item rejection whose message starts with the item's label, e.g. `topic orders: ...`. */
export function itemError(label: string, code: ErrorCode, message: string): SamsaError {
  return new SamsaError(code, `${label}: ${message || errorCodeName(code)}`);
}

/** Re-labels an error that arrived without the item's name (a whole-call failure, a timeout). */
export function labelled(label: string, error: SamsaError): SamsaError {
  if (error.message.startsWith(`${label}:`)) return error;
  return new SamsaError(error.code, `${label}: ${error.message}`, { retriable: error.retriable, cause: error });
}

/**
 * The values of `outcomes` when all succeeded; otherwise throws an AdminBatchError naming every
 * failed item (`keys[i]` names item i, `label(keys[i])` is how messages refer to it).
 */
export function valuesOrThrow<K extends object, T>(operation: string, keys: readonly K[], outcomes: ReadonlyArray<Outcome<T>>, label: (key: K) => string): T[] {
  if (outcomes.every((outcome) => outcome.ok)) return outcomes.map((outcome) => (outcome as { value: T }).value);
  const results = outcomes.map((outcome, index): ItemSettled<K, T> => {
    const key = keys[index] as K;
    return outcome.ok ? { ...key, status: 'fulfilled', value: outcome.value } : { ...key, status: 'rejected', reason: labelled(label(key), outcome.error) };
  });
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  const first = failures[0] as SamsaError;
  const listed = failures.map((error) => `${error.message} (${error.codeName})`).join('; ');
  throw new AdminBatchError<K, T>(first.code, `${operation} failed for ${failures.length} of ${outcomes.length}: ${listed}`, results);
}
