/**
 * SamsaError: the one error type for expected rejections (bad input, wrong leader, fenced
 * producer, ...). It carries a Kafka-mirrored {@link ErrorCode} and whether a client may retry.
 *
 * Broken invariants are plain `Error`s and surface to callers as UNKNOWN_SERVER_ERROR with a
 * generic message; only SamsaErrors reach a client with their own message.
 *
 * Identity across package copies: `instanceof` fails when two copies of this module are loaded
 * (a client bundled twice), so callers use {@link isSamsaError}, which checks a global brand.
 */
import { ErrorCode } from '@samsa/proto';
import { isRetriableCode } from './retriable.js';

const BRAND = Symbol.for('samsa.SamsaError');

export interface SamsaErrorOptions {
  /** Overrides the code's default retriability. */
  retriable?: boolean;
  /** The underlying error, kept for logs; never sent to clients. */
  cause?: unknown;
}

export class SamsaError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: SamsaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SamsaError';
    this.code = code;
    this.retriable = options.retriable ?? isRetriableCode(code);
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The Kafka name of the code, e.g. `NOT_LEADER_OR_FOLLOWER`. */
  get codeName(): string {
    return errorCodeName(this.code);
  }
}

/** True for any SamsaError, including ones created by another copy of this package. */
export function isSamsaError(value: unknown): value is SamsaError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** True when `value` is a SamsaError with the given code. */
export function hasErrorCode(value: unknown, code: ErrorCode): value is SamsaError {
  return isSamsaError(value) && value.code === code;
}

/** True when a client may retry the operation that failed with `value`. */
export function isRetriable(value: unknown): boolean {
  return isSamsaError(value) && value.retriable;
}

/** The Kafka name of an error code, or `UNKNOWN_ERROR_<n>` for a number this build does not know. */
export function errorCodeName(code: ErrorCode): string {
  return (ErrorCode as unknown as Record<number, string>)[code] ?? `UNKNOWN_ERROR_${code}`;
}

/**
 * gRPC trailer keys that carry a SamsaError's code and retriability next to the gRPC status, so
 * any client (not only @samsa/client) can recover the Kafka error code of a failed request.
 */
export const ERROR_CODE_TRAILER = 'samsa-error-code';
export const RETRIABLE_TRAILER = 'samsa-retriable';
